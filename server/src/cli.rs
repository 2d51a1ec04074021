//! The command line's account commands: `create-staff` and `outbox`.

use crate::auth::secrets::RealSecrets;
use crate::config::StaffArgs;
use crate::store::SqlStore;
use app::domain::accounts::use_cases::Accounts;
use app::domain::ids::{GridUnitId, PersonId};
use app::domain::lang::Lang;
use std::io::{BufRead, Write};

/// Creates the staff account with the password read from standard input (one line; a
/// terminal, a pipe or a here-string alike).
pub async fn create_staff(store: &SqlStore, args: &StaffArgs) -> anyhow::Result<PersonId> {
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password)?;
    let password = password.trim_end_matches(['\n', '\r']);
    let community =
        GridUnitId::new(args.community).ok_or_else(|| anyhow::anyhow!("--community must be a positive id"))?;
    let accounts = Accounts {
        store,
        secrets: &RealSecrets,
        now: crate::store::migrate::now_millis(),
        client: "command-line",
        request_id: None,
    };
    accounts
        .create_staff(&args.login, &args.name, password, community)
        .await
        .map_err(|e| {
            let fields: Vec<String> = e
                .fields()
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message(Lang::En)))
                .collect();
            anyhow::anyhow!("{} {}", e.message(Lang::En), fields.join("; "))
        })
}

/// Writes every queued message, oldest first: `recipient<TAB>text`.
pub async fn print_outbox(store: &SqlStore, out: &mut impl Write) -> anyhow::Result<()> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT recipient, body FROM outbox ORDER BY id")
        .fetch_all(store.pool())
        .await?;
    for (recipient, body) in rows {
        writeln!(out, "{recipient}\t{}", body.replace(['\n', '\t'], " "))?;
    }
    Ok(())
}
