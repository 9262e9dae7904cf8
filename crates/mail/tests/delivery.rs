//! Mail leaves through a real SMTP listener on loopback, or into a folder;
//! a retried notice keeps its Message-ID and is never queued twice.

use std::sync::Arc;

use relais_core::{Clock, Timestamp};
use relais_jobs::Worker;
use relais_mail::{Mailer, OutgoingMail, SendMailJob, Transport, enqueue, message_id};
use relais_testkit::{FakeClock, SmtpSink, TestDb};

fn mail(about: &str) -> OutgoingMail {
    OutgoingMail {
        to: "agent@demo.relais.test".into(),
        to_name: Some("Zoé Lefèvre".into()),
        subject: "Réinitialisation du mot de passe".into(),
        text: "Bonjour,\n\nVoici votre lien.\n.\nUne ligne qui commence par un point.".into(),
        html: None,
        message_id: message_id(about, "demo.relais.test"),
        calendar: None,
        by_a_person: false,
    }
}

async fn queue(t: &TestDb, clock: &FakeClock, m: &OutgoingMail) -> bool {
    let mut tx = t.db.begin().await.unwrap();
    let queued = enqueue(&mut tx, clock.now(), m).await.unwrap();
    tx.commit().await.unwrap();
    queued
}

#[tokio::test]
async fn mail_reaches_a_real_smtp_listener_once() {
    let sink = SmtpSink::start().await;
    let t = TestDb::new().await;
    let clock = FakeClock::new(Timestamp(0));
    let mailer = Arc::new(Mailer {
        from: "Relais <relais@demo.relais.test>".parse().unwrap(),
        transport: Transport::smtp(&sink.url()).unwrap(),
    });
    let worker = Worker::new(
        t.db.clone(),
        Arc::new(clock.clone()),
        vec![Arc::new(SendMailJob(mailer))],
    );
    let m = mail("reset:1");
    assert!(queue(&t, &clock, &m).await);
    assert!(
        !queue(&t, &clock, &m).await,
        "the same notice is not queued twice"
    );
    assert_eq!(worker.run_pending().await.unwrap(), 1);
    let got = sink.wait_for(1).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].to, vec!["agent@demo.relais.test".to_string()]);
    assert_eq!(
        got[0].header("Message-ID").as_deref(),
        Some(m.message_id.as_str())
    );
    assert!(got[0].data.contains("Une ligne qui commence par un point."));
    assert!(
        got[0].header("Subject").unwrap().contains("=?utf-8?"),
        "non-ASCII subject is encoded"
    );
}

#[tokio::test]
async fn an_unreachable_server_means_a_retry_not_a_loss() {
    let t = TestDb::new().await;
    let clock = FakeClock::new(Timestamp(0));
    // Port 1 on loopback: nothing listens there.
    let mailer = Arc::new(Mailer {
        from: "relais@demo.relais.test".parse().unwrap(),
        transport: Transport::smtp("smtp://127.0.0.1:1").unwrap(),
    });
    let worker = Worker::new(
        t.db.clone(),
        Arc::new(clock.clone()),
        vec![Arc::new(SendMailJob(mailer))],
    );
    queue(&t, &clock, &mail("reset:2")).await;
    let (_, outcome) = worker.run_once().await.unwrap().unwrap();
    assert_eq!(outcome, relais_jobs::Outcome::Retrying { attempt: 1 });
    assert_eq!(
        relais_jobs::counts(&t.db).await.unwrap(),
        vec![("queued".to_string(), 1)]
    );
}

#[tokio::test]
async fn the_folder_transport_writes_one_file_per_message_id() {
    let dir = tempfile::tempdir().unwrap();
    let mailer = Mailer {
        from: "relais@demo.relais.test".parse().unwrap(),
        transport: Transport::Folder(dir.path().to_path_buf()),
    };
    let m = mail("reset:3");
    mailer.send(&m).await.unwrap();
    mailer.send(&m).await.unwrap();
    let files = relais_mail::list_folder(dir.path(), 10).await.unwrap();
    assert_eq!(files.len(), 1, "a resend overwrites, never duplicates");
    let body = relais_mail::read_folder_mail(dir.path(), &files[0].file)
        .await
        .unwrap();
    assert!(body.contains(&m.message_id));
    assert!(
        relais_mail::read_folder_mail(dir.path(), "../etc/passwd.eml")
            .await
            .is_none()
    );
}
