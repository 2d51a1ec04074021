//! The [`FollowUpStore`] over SQL: the follow-ups of low ratings, listed by community and
//! closed once (a conditional update).

use super::*;

const FOLLOW_UP_COLUMNS: &str = "f.id, f.request_id, f.community_id, f.score, f.opened_at, f.due_at, f.closed_at, \
     f.note, f.now_satisfied, cp.display_name AS closed_by_name, s.name_zh AS service_name_zh, \
     s.name_en AS service_name_en, o.name_zh AS organization_name, COALESCE(r.for_name, rp.display_name) AS for_name, \
     c.name_zh AS community_zh, c.name_en AS community_en, g.name_zh AS unit_zh, g.name_en AS unit_en, \
     CASE WHEN ra.comment_hidden = 1 THEN NULL ELSE ra.comment END AS comment";

const FOLLOW_UP_JOINS: &str = "JOIN requests r ON r.id = f.request_id \
     JOIN services s ON s.id = r.service_id \
     JOIN organizations o ON o.id = r.organization_id \
     JOIN grid_units g ON g.id = r.grid_unit_id \
     JOIN grid_units c ON c.id = r.community_id \
     LEFT JOIN people rp ON rp.id = r.resident_id \
     LEFT JOIN people cp ON cp.id = f.closed_by \
     LEFT JOIN ratings ra ON ra.request_id = r.id";

fn follow_up(row: &AnyRow) -> Result<FollowUp, sqlx::Error> {
    let score: i64 = row.try_get("score")?;
    let satisfied: Option<i64> = row.try_get("now_satisfied")?;
    Ok(FollowUp {
        id: FollowUpId::from_row(row.try_get("id")?),
        request: RequestId::from_row(row.try_get("request_id")?),
        community: GridUnitId::from_row(row.try_get("community_id")?),
        service_name_zh: row.try_get("service_name_zh")?,
        service_name_en: row.try_get("service_name_en")?,
        organization_name: row.try_get("organization_name")?,
        for_name: row.try_get("for_name")?,
        place_zh: short_place(row.try_get("community_zh")?, row.try_get("unit_zh")?),
        place_en: short_place(row.try_get("community_en")?, row.try_get("unit_en")?),
        score: Score::new(score).ok_or_else(|| corrupt("score", &score.to_string()))?,
        comment: row.try_get("comment")?,
        opened_at: row.try_get("opened_at")?,
        due_at: row.try_get("due_at")?,
        closed_at: row.try_get("closed_at")?,
        closed_by_name: row.try_get("closed_by_name")?,
        note: row.try_get("note")?,
        now_satisfied: satisfied.map(|s| s != 0),
    })
}

#[async_trait::async_trait]
impl FollowUpStore for SqlStore {
    async fn follow_ups(
        &self,
        communities: &[GridUnitId],
        bucket: FollowUpBucket,
        now: Millis,
        limit: u32,
    ) -> Result<Vec<FollowUp>, StoreError> {
        if communities.is_empty() {
            return Ok(Vec::new());
        }
        let mut p = Params::default();
        let list = communities
            .iter()
            .map(|c| p.int(c.get()))
            .collect::<Vec<_>>()
            .join(", ");
        let which = match bucket {
            FollowUpBucket::Open => "f.closed_at IS NULL".to_owned(),
            FollowUpBucket::Overdue => format!("f.closed_at IS NULL AND f.due_at < {}", p.int(now)),
            FollowUpBucket::Closed => "f.closed_at IS NOT NULL".to_owned(),
        };
        let sql = format!(
            "SELECT {FOLLOW_UP_COLUMNS} FROM follow_ups f {FOLLOW_UP_JOINS} \
             WHERE f.community_id IN ({list}) AND {which} ORDER BY f.due_at, f.id LIMIT {}",
            p.int(i64::from(limit))
        );
        sqlx::query_with(&sql, p.into_arguments())
            .fetch_all(self.pool())
            .await
            .map_err(failed)?
            .iter()
            .map(follow_up)
            .collect::<Result<_, _>>()
            .map_err(failed)
    }

    async fn follow_up(&self, id: FollowUpId) -> Result<Option<FollowUp>, StoreError> {
        sqlx::query(&format!(
            "SELECT {FOLLOW_UP_COLUMNS} FROM follow_ups f {FOLLOW_UP_JOINS} WHERE f.id = $1"
        ))
        .bind(id.get())
        .fetch_optional(self.pool())
        .await
        .map_err(failed)?
        .map(|r| follow_up(&r))
        .transpose()
        .map_err(failed)
    }

    async fn close_follow_up(
        &self,
        id: FollowUpId,
        by: PersonId,
        note: &str,
        now_satisfied: bool,
        now: Millis,
    ) -> Result<bool, StoreError> {
        // One statement, conditional on still being open: two staff closing it at once
        // close it once.
        let done = sqlx::query(
            "UPDATE follow_ups SET closed_at = $2, closed_by = $3, note = $4, now_satisfied = $5 \
             WHERE id = $1 AND closed_at IS NULL",
        )
        .bind(id.get())
        .bind(now)
        .bind(by.get())
        .bind(note)
        .bind(i64::from(now_satisfied))
        .execute(self.pool())
        .await
        .map_err(failed)?;
        Ok(done.rows_affected() == 1)
    }
}
