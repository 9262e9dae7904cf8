//! The directory's answer to "who is this?" for a sign-in session: the
//! session, its person and the audit log's head, in one read.

use relais_core::values::{Email, NewPassword};
use relais_core::{Clock, Timestamp};
use relais_db::audit::{self, Actor};
use relais_directory::identity::DirectoryIdentity;
use relais_directory::{accounts, tokens};
use relais_testkit::{FakeClock, TestDb};
use relais_web::Identity;
use std::sync::Arc;

#[tokio::test]
async fn a_session_is_read_with_its_person_and_the_audit_head_of_the_moment() {
    let t = TestDb::new().await;
    let clock = Arc::new(FakeClock::new(Timestamp(1_600_000_000_000_000)));
    let person = accounts::create_user(
        &t.db,
        clock.as_ref(),
        &Email::parse("claire@example.fr").unwrap(),
        &[],
        &NewPassword::parse("un mot de passe assez long").unwrap(),
    )
    .await
    .unwrap();
    let now = clock.now().0;
    sqlx::query("INSERT INTO web_sessions (id, person_id, created_at, last_seen_at, expires_at) VALUES ('s1', $1, $2, $3, $4)")
        .bind(person.0)
        .bind(now)
        .bind(now + 1)
        .bind(now + 2)
        .execute(t.db.pool())
        .await
        .unwrap();
    let identity = DirectoryIdentity::new(t.db.clone(), clock.clone());
    let held = identity.session("s1").await.unwrap().expect("the session");
    assert_eq!(held.principal.person_id, person);
    assert_eq!(held.principal.email, "claire@example.fr");
    assert_eq!((held.last_seen_at, held.expires_at), (now + 1, now + 2));
    // The columns the session's instants and head travel in are not a token.
    assert_eq!(held.principal.token, None);
    let head = audit::head(&t.db).await.unwrap();
    assert!(head > 0, "creating the account is audited");
    assert_eq!(held.head, head);
    // An audited change moves it, and the next read says so.
    tokens::create(
        &t.db,
        clock.as_ref(),
        Actor::person(person),
        person,
        "ci",
        30,
    )
    .await
    .unwrap();
    let moved = identity.session("s1").await.unwrap().expect("the session");
    assert!(moved.head > head);
    assert_eq!(moved.head, audit::head(&t.db).await.unwrap());
    assert!(identity.session("s2").await.unwrap().is_none());
}
