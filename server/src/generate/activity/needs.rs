//! Needs named over the year, each supported by the one who named it and, on average, two
//! neighbours of the same community; half answered by the community's staff within a
//! month (pointed to an offering of the category where one serves the community,
//! recorded unmet otherwise).

use super::super::rng::Rng;
use super::super::{words, Batch, CitySize, Value};
use super::timeline::{daytime, Year, HOUR_MS, YEAR_DAYS};
use super::{next_id, ActivityCounts, City, People};
use crate::demo::catalog::CATEGORIES;
use app::domain::calendar::DAY_MS;
use std::collections::HashMap;
use Value::{Int, OptInt, OptText, Text};

pub(super) async fn add(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    rng: &mut Rng,
    city: &City,
    people: &People,
    size: &CitySize,
    year: Year,
    counts: &mut ActivityCounts,
) -> anyhow::Result<()> {
    // Needs, each supported by neighbours of the same community.
    let mut neighbours: HashMap<i64, Vec<i64>> = HashMap::new();
    for r in &people.residents {
        neighbours.entry(r.community).or_default().push(r.id);
    }
    let mut needs = Batch::held(
        "INSERT INTO needs (id, grid_unit_id, community_id, category_slug, description, named_by, status, service_id, \
         resolved_by, resolved_at, note, supporters, created_at)",
        13,
    );
    let mut supporters = Batch::held("INSERT INTO need_supporters (need_id, person_id, added_at)", 3);
    let first_need = next_id(tx, "needs").await?;
    for n in 0..i64::from(size.needs) {
        let id = first_need + n;
        let namer = &people.residents[rng.below(people.residents.len())];
        let category = (rng.unit() < 0.8).then(|| CATEGORIES[rng.below(CATEGORIES.len())].0);
        let day = year.since + (rng.unit() * (YEAR_DAYS * DAY_MS) as f64) as i64;
        let created = daytime(rng, day);
        // Supporters: the one who named it and, on average, two neighbours.
        let mut who = vec![namer.id];
        let extra = (-(1.0 - rng.unit()).ln() * 2.0).min(40.0) as usize;
        let near = &neighbours[&namer.community];
        for _ in 0..extra {
            let p = near[rng.below(near.len())];
            if !who.contains(&p) {
                who.push(p);
            }
        }
        for (k, p) in who.iter().enumerate() {
            let added = (created + k as i64 * HOUR_MS).min(year.until - 1);
            supporters.push(tx, vec![Int(id), Int(*p), Int(added)]).await?;
        }
        counts.supporters += who.len();
        // Staff answer half of them within a month: pointed to an offering where one of
        // the category serves the community, recorded unmet otherwise.
        let resolved_at = created + (rng.unit() * 30.0 * DAY_MS as f64) as i64;
        let pointed_to = category.and_then(|c| {
            city.offered
                .get(&namer.community)
                .and_then(|near| near.iter().map(|i| &city.services[*i]).find(|s| s.category == c))
                .map(|s| s.id)
        });
        let resolved = rng.unit() < 0.5 && resolved_at < year.until;
        let (status, service, note) = match (resolved, pointed_to) {
            (false, _) => ("open", None, None),
            (true, Some(s)) => ("pointed", Some(s), None),
            (true, None) => ("unmet", None, Some(rng.pick(words::UNMET_NOTES).to_string())),
        };
        needs
            .push(
                tx,
                vec![
                    Int(id),
                    Int(namer.building),
                    Int(namer.community),
                    OptText(category.map(str::to_owned)),
                    Text(words::need(rng, category).into()),
                    OptInt(Some(namer.id)),
                    Text(status.into()),
                    OptInt(service),
                    OptInt(resolved.then(|| people.staff_of[&namer.community])),
                    OptInt(resolved.then_some(resolved_at)),
                    OptText(note),
                    Int(who.len() as i64),
                    Int(created),
                ],
            )
            .await?;
        if needs.is_full() {
            needs.flush(tx).await?;
            supporters.flush(tx).await?;
        }
    }
    needs.flush(tx).await?;
    supporters.flush(tx).await?;
    counts.needs = size.needs as usize;
    Ok(())
}
