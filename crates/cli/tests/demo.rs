//! The demo institute: its fixed accounts sign in with the demo password and
//! hold the roles the README promises.

mod support;

use axum::http::StatusCode;
use relais_directory::demo;
use support::TestApp;

#[tokio::test]
async fn every_demo_account_signs_in_with_its_role() {
    let mut app = TestApp::new().await;
    // A small institute: the same generator and importers as the full demo.
    let d = demo::load(&app.db.db, &app.clock, demo::SEED, 400, &|_, _| {})
        .await
        .unwrap();
    assert_eq!(d.delegations.len(), 13);
    assert!(demo::is_loaded(&app.db.db).await.unwrap());
    for (email, role) in demo::ACCOUNTS {
        app.cookies.clear();
        let r = app.sign_in(email, demo::PASSWORD).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{email} signs in");
        let me = app.get("/me").await;
        assert_eq!(me.status, StatusCode::OK);
        if role != "agent" {
            assert!(
                me.body.contains(&format!("role-{role}"))
                    || me
                        .body
                        .contains(&relais_web::T(relais_core::Lang::Fr).t(&format!("role-{role}"))),
                "{email} is {role}"
            );
        }
    }
    // The manager supervises PhD students and sees the agent.
    app.cookies.clear();
    app.sign_in("manager@demo.relais.test", demo::PASSWORD)
        .await;
    let me = app.get("/me").await;
    assert!(
        me.body.contains("Doctorants"),
        "the manager has PhD students"
    );
    // The correspondent of a unit browses that unit only.
    app.cookies.clear();
    app.sign_in("correspondant@demo.relais.test", demo::PASSWORD)
        .await;
    let units = app.get("/units").await;
    assert!(units.body.contains("1 résultat"), "{}", units.body);
}

#[tokio::test]
async fn the_demo_is_deterministic() {
    let a = relais_directory::demo_data::generate(demo::SEED, 300);
    let b = relais_directory::demo_data::generate(demo::SEED, 300);
    assert_eq!(a.people_csv, b.people_csv);
    assert_ne!(
        a.people_csv,
        relais_directory::demo_data::generate(demo::SEED + 1, 300).people_csv
    );
}

#[tokio::test]
async fn the_fixed_demo_accounts_follow_the_browsers_language() {
    // The full demo: with its seed and size the generator gives some fixed accounts English.
    let mut app = TestApp::new().await;
    demo::load(&app.db.db, &app.clock, demo::SEED, demo::PEOPLE, &|_, _| {})
        .await
        .unwrap();
    for (email, _) in demo::ACCOUNTS {
        app.cookies.clear();
        app.sign_in(email, demo::PASSWORD).await;
        assert_eq!(
            app.get("/").await.html_lang(),
            Some("fr"),
            "{email} sees French by default"
        );
    }
}
