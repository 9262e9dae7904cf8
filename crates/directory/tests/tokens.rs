//! API tokens: when one was last used is written a moment later, in a group,
//! and never more than once a minute per token.

use relais_core::values::{Email, NewPassword};
use relais_core::{Clock, Timestamp};
use relais_db::audit::Actor;
use relais_directory::{accounts, tokens};
use relais_testkit::{FakeClock, TestDb};

#[tokio::test]
async fn last_use_is_noted_then_written_in_a_group() {
    let t = TestDb::new().await;
    let clock = FakeClock::new(Timestamp(1_600_000_000_000_000));
    let person = accounts::create_user(
        &t.db,
        &clock,
        &Email::parse("claire@example.fr").unwrap(),
        &[],
        &NewPassword::parse("un mot de passe assez long").unwrap(),
    )
    .await
    .unwrap();
    let (id, token) = tokens::create(&t.db, &clock, Actor::person(person), person, "ci", 30)
        .await
        .unwrap();
    let uses = tokens::Uses::default();
    let found = tokens::resolve(&t.db, &clock, &uses, &token).await.unwrap();
    assert_eq!(found, Some((person, id)));
    assert_eq!(
        tokens::resolve(&t.db, &clock, &uses, "rls_not-a-token")
            .await
            .unwrap(),
        None
    );
    // Noted, not yet written.
    let listed = tokens::list(&t.db, person).await.unwrap();
    assert_eq!(listed[0].last_used_at, None);
    uses.flush(&t.db).await.unwrap();
    let listed = tokens::list(&t.db, person).await.unwrap();
    assert_eq!(listed[0].last_used_at, Some(clock.now()));
    // Within the minute the use is not noted again; after it, it is.
    clock.advance_secs(30);
    tokens::resolve(&t.db, &clock, &uses, &token).await.unwrap();
    uses.flush(&t.db).await.unwrap();
    let listed = tokens::list(&t.db, person).await.unwrap();
    assert_eq!(
        listed[0].last_used_at,
        Some(Timestamp(1_600_000_000_000_000))
    );
    clock.advance_secs(61);
    tokens::resolve(&t.db, &clock, &uses, &token).await.unwrap();
    uses.flush(&t.db).await.unwrap();
    let listed = tokens::list(&t.db, person).await.unwrap();
    assert_eq!(listed[0].last_used_at, Some(clock.now()));
}
