//! The account commands as an operator runs them: `doorstep create-staff` (password from
//! standard input, never a default) and `doorstep outbox`.

mod common;

use common::{fixtures, fresh_db, people, spawn_with, Engine};
use std::io::Write;
use std::process::{Command, Stdio};

fn doorstep(database_url: &str, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_doorstep"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the doorstep binary runs");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

async fn create_staff_reads_the_password_from_stdin_and_outbox_prints_codes(engine: Engine) {
    let db = fresh_db(engine).await;
    let fixture = fixtures::base(&db.store).await;
    let url = db.url.clone();
    let staff = people::phone();
    let community = fixture.community.to_string();
    let args = [
        "create-staff",
        "--login",
        staff.as_str(),
        "--community",
        community.as_str(),
    ];
    // No password, a common one, an unknown community: refused, nothing created.
    for (stdin, community) in [
        ("\n", community.as_str()),
        ("12345678\n", community.as_str()),
        ("a long password\n", "999999"),
    ] {
        let out = doorstep(
            &url,
            &["create-staff", "--login", &staff, "--community", community],
            stdin,
        );
        assert!(!out.status.success(), "{stdin:?} {community}");
        assert!(!String::from_utf8_lossy(&out.stderr).is_empty());
    }
    let out = doorstep(&url, &args, "a long staff password\n");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let app = spawn_with(db).await;
    let (status, _) = app
        .send(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(serde_json::json!({"login": staff, "password": "a long staff password"})),
        )
        .await;
    assert_eq!(status, 200);
    // A sign-up's code appears in the outbox with the full number.
    let resident = people::phone();
    app.send(
        reqwest::Method::POST,
        "/api/v1/auth/register",
        None,
        Some(serde_json::json!({"login": resident, "display_name": "王", "consent": true})),
    )
    .await;
    let out = doorstep(&url, &["outbox"], "");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{resident}\t")))
        .expect("a line for the resident");
    assert_eq!(
        line.split('\t')
            .nth(1)
            .unwrap()
            .split(|c: char| !c.is_ascii_digit())
            .filter(|w| w.len() == 6)
            .count(),
        2
    );
}

on_both_engines!(create_staff_reads_the_password_from_stdin_and_outbox_prints_codes);
