//! `services.search_text` for rows written before it existed (or by hand): computed by
//! the domain's one normalization ([`fold`](app::domain::fold)), which SQL cannot repeat.

use super::SqlStore;
use app::domain::fold::searchable;
use sqlx::Row;

/// Rows filled per transaction.
const BATCH: i64 = 1_000;

impl SqlStore {
    /// Fills every missing `search_text`; returns how many rows it filled.
    pub async fn backfill_search_text(&self) -> Result<u64, sqlx::Error> {
        let mut filled = 0;
        loop {
            let mut tx = self.pool().begin().await?;
            let rows = sqlx::query(
                "SELECT id, name_zh, name_en, description_zh, description_en FROM services \
                 WHERE search_text IS NULL ORDER BY id LIMIT $1",
            )
            .bind(BATCH)
            .fetch_all(&mut *tx)
            .await?;
            for row in &rows {
                let text = searchable(&[
                    row.try_get::<String, _>("name_zh")?.as_str(),
                    row.try_get::<String, _>("name_en")?.as_str(),
                    row.try_get::<String, _>("description_zh")?.as_str(),
                    row.try_get::<String, _>("description_en")?.as_str(),
                ]);
                sqlx::query("UPDATE services SET search_text = $1 WHERE id = $2")
                    .bind(text)
                    .bind(row.try_get::<i64, _>("id")?)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            filled += rows.len() as u64;
            if (rows.len() as i64) < BATCH {
                return Ok(filled);
            }
        }
    }
}
