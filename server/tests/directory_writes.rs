//! The snapshot under writes, on a real database of each engine: every kind of change is
//! applied from the change log (or makes the snapshot read whole), the next read after a
//! write is current, and after random publishing the snapshot answers as SQL does.

mod common;

use app::domain::ids::{OrganizationId, ServiceId};
use app::domain::lang::Lang;
use common::city::{city, search, searches, CATEGORIES, CENTRE, NAMES};
use common::fixtures::{self, Lcg, ServiceSpec};
use common::Engine;

async fn after_any_write_the_next_indexed_search_is_current(engine: Engine) {
    let db = common::fresh_db(engine).await;
    let fixture = city(&db.store, 30).await;
    let store = &db.store;
    let everything = search(
        &[("radius_m", "50000".into()), ("limit", "100".into())],
        Some(CENTRE),
        Lang::Zh,
    );
    let pool = store.pool();

    // Each kind of change the index depends on, made the way any writer would.
    let added = fixtures::service(
        store,
        &fixture,
        "new",
        &ServiceSpec::at("新服务", "New", CENTRE.0, CENTRE.1),
    )
    .await;
    // Changes to services and organizations are applied from the change log; the grid and
    // the categories, which every card shows, make the snapshot read whole again.
    let (applied, read_whole) = (true, false);
    let changes = [
        (
            format!("UPDATE services SET cost_kind = 'free', price_fen = NULL WHERE id = {added}"),
            applied,
        ),
        (
            format!("UPDATE services SET name_zh = '改名' WHERE id = {added}"),
            applied,
        ),
        // Service pages show coverage.
        (
            format!("INSERT INTO service_coverage (service_id, grid_unit_id) SELECT {added}, MIN(id) FROM grid_units"),
            applied,
        ),
        (
            format!("DELETE FROM service_coverage WHERE service_id = {added}"),
            applied,
        ),
        (format!("DELETE FROM services WHERE id = {added}"), applied),
        (
            "UPDATE categories SET group_slug = 'disability' WHERE slug = 'meal-assistance'".to_owned(),
            read_whole,
        ),
        // Result cards show the organization's name.
        (
            "UPDATE organizations SET name_en = 'Renamed' WHERE id IN (SELECT organization_id FROM services)"
                .to_owned(),
            applied,
        ),
        // A statement that changes no row bumps the version and changes nothing.
        ("UPDATE services SET name_zh = 'x' WHERE id < 0".to_owned(), applied),
        (
            "UPDATE categories SET name_zh = '新名' WHERE slug = 'home-care'".to_owned(),
            read_whole,
        ),
        // The place picker (cached by the same version) shows the grid.
        (
            "UPDATE grid_units SET sort_order = sort_order + 1".to_owned(),
            read_whole,
        ),
    ];
    store.rebuild_index().await.unwrap();
    for (change, how) in changes {
        let before = store.index_status().unwrap().version;
        assert!(store.search_by_index(&everything).await.unwrap().is_some());
        sqlx::query(&change).execute(pool).await.unwrap();
        let next = store.search_by_index(&everything).await.unwrap();
        if how == applied {
            assert_eq!(next, Some(store.search_by_sql(&everything).await.unwrap()), "{change}");
            // (A statement that changes no row fires no row trigger on SQLite.)
            let changes_rows = !change.ends_with("WHERE id < 0");
            assert!(
                store.index_status().unwrap().version > before || !changes_rows,
                "{change} bumped the version"
            );
        } else {
            // Stale: refused, not served, until read whole.
            assert_eq!(next, None, "{change}");
            let status = store.rebuild_index().await.unwrap();
            assert!(status.version > before, "{change} bumped the version");
        }
        assert_eq!(
            store.search_by_index(&everything).await.unwrap(),
            Some(store.search_by_sql(&everything).await.unwrap()),
            "{change}"
        );
    }
    // The category change moved meals to the disability group.
    let disability = search(&[("group", "disability".into())], None, Lang::Zh);
    let page = store.search_by_index(&disability).await.unwrap().unwrap();
    assert!(page.items.iter().any(|s| s.category.slug == "meal-assistance"));
    let english = search(&[("radius_m", "50000".into())], Some(CENTRE), Lang::En);
    let page = store.search_by_index(&english).await.unwrap().unwrap();
    assert!(page.items.iter().all(|s| s.organization.name == "Renamed"));
}

/// An instance whose snapshot is older than the change log reaches (pruned by another
/// instance's whole read) cannot apply changes: it answers by SQL and reads everything.
async fn a_snapshot_older_than_the_change_log_is_read_whole_again(engine: Engine) {
    let db = common::fresh_db(engine).await;
    let fixture = city(&db.store, 10).await;
    let store = &db.store;
    store.rebuild_index().await.unwrap();
    let s = search(&[("radius_m", "50000".into())], Some(CENTRE), Lang::Zh);
    fixtures::service(
        store,
        &fixture,
        "late",
        &ServiceSpec::at("后来的", "Late", CENTRE.0, CENTRE.1),
    )
    .await;
    sqlx::query("UPDATE directory_changes_kept SET from_version = (SELECT version FROM directory_version)")
        .execute(store.pool())
        .await
        .unwrap();
    assert_eq!(
        store.search_by_index(&s).await.unwrap(),
        None,
        "stale, and the log cannot bring it up to date"
    );
    let status = store.rebuild_index().await.unwrap();
    assert_eq!(status.changed, 0);
    assert_eq!(
        store.search_by_index(&s).await.unwrap(),
        Some(store.search_by_sql(&s).await.unwrap())
    );
}

/// Hundreds of services changed in one statement are still applied as changes (no read
/// falls to SQL), and a whole read then folds them into a new base with the same answers.
async fn many_changes_are_applied_then_folded_into_a_new_base(engine: Engine) {
    let db = common::fresh_db(engine).await;
    city(&db.store, 520).await;
    let store = &db.store;
    store.rebuild_index().await.unwrap();
    sqlx::query("UPDATE services SET capacity = 7, name_en = name_en || ' (new)'")
        .execute(store.pool())
        .await
        .unwrap();
    // Answered from the snapshot (a read that could not apply the changes would be `None`),
    // as SQL answers; the first of them applied the changes and, there being so many,
    // started a whole read in the background, which may finish at any point in between.
    let checks = searches(11, 20);
    for s in &checks {
        assert_eq!(
            store.search_by_index(s).await.unwrap(),
            Some(store.search_by_sql(s).await.unwrap())
        );
    }
    // Waiting for the build lock waits for that read; afterwards nothing is left to fold.
    let folded = store.rebuild_index().await.unwrap();
    assert_eq!(folded.changed, 0);
    for s in &checks {
        assert_eq!(
            store.search_by_index(s).await.unwrap(),
            Some(store.search_by_sql(s).await.unwrap())
        );
    }
}

/// A snapshot is only as fresh as the triggers that bump `directory_version`: every column
/// it reads (taken from its own queries) must bump the version when updated, or a change
/// to that column would be served stale from every instance's memory.
async fn every_column_the_snapshot_reads_bumps_the_version_when_updated(engine: Engine) {
    let db = common::fresh_db(engine).await;
    doorstep_server::demo::load(&db.store).await.unwrap();
    let pool = db.store.pool();
    let version = || async {
        sqlx::query_scalar::<_, i64>("SELECT version FROM directory_version WHERE id = 1")
            .fetch_one(pool)
            .await
            .unwrap()
    };
    // A tally to update, whatever ratings the demo data has.
    let service: i64 = sqlx::query_scalar("SELECT MIN(id) FROM services")
        .fetch_one(pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO service_ratings (service_id, r4) VALUES ($1, 1) ON CONFLICT (service_id) DO NOTHING")
        .bind(service)
        .execute(pool)
        .await
        .unwrap();
    let columns = doorstep_server::store::columns_read();
    assert!(
        columns.len() > 40,
        "the snapshot's columns were read from its queries: {columns:?}"
    );
    for (table, column) in columns {
        let before = version().await;
        sqlx::query(&format!("UPDATE {table} SET {column} = {column}"))
            .execute(pool)
            .await
            .unwrap();
        assert!(
            version().await > before,
            "updating {table}.{column} does not bump directory_version"
        );
        // … and records what changed, so instances apply it instead of reading everything.
        let logged: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM directory_changes WHERE version > $1")
            .bind(before)
            .fetch_one(pool)
            .await
            .unwrap();
        assert!(logged > 0, "updating {table}.{column} is not in directory_changes");
    }
}

/// Organizations publish, edit, pause, resume and retire while community staff verify and
/// suspend: after every few steps the snapshot, brought up to date from the change log,
/// answers every search, service page and organization page exactly as SQL does (paused
/// and retired offerings, unverified and suspended organizations included).
async fn after_random_publishing_the_snapshot_answers_as_sql_does(engine: Engine) {
    use app::domain::offerings::draft::{OfferingInput, PriceInput};
    use app::domain::offerings::use_cases::{Offerings, Transition};
    use app::domain::store::DirectoryStore;
    use common::people;
    let db = common::fresh_db(engine).await;
    let store = &db.store;
    let fixture = city(store, 40).await;
    let staff = people::person(store, "机构社工").await;
    people::exec(
        store,
        "INSERT INTO organization_members (organization_id, person_id, role, added_at) VALUES ($1, $2, 'owner', 0)",
        &[fixture.organization, staff.id],
    )
    .await;
    let other_staff = people::person(store, "另一家机构").await;
    let other = people::organization(store, fixture.community, &other_staff).await;
    let principal = |p: &people::Person| app::domain::accounts::principal::Principal {
        person: app::domain::ids::PersonId::new(p.id).unwrap(),
        roles: app::domain::accounts::principal::Roles {
            organizations: vec![(
                OrganizationId::new(if p.id == staff.id { fixture.organization } else { other }).unwrap(),
                app::domain::accounts::principal::MemberRole::Owner,
            )],
            ..Default::default()
        },
    };
    let (me, them) = (principal(&staff), principal(&other_staff));
    let use_cases = Offerings { store, now: 1 };
    let mut rng = Lcg(2026);
    // Apart from `rng`, so the steps are what they were before ratings joined them.
    let mut ratings = Lcg(7);
    let mut published: Vec<ServiceId> = Vec::new();
    let (mut done, mut refused) = (0, 0);
    store.rebuild_index().await.unwrap();
    for step in 0..60 {
        let (zh, en) = *rng.pick(&NAMES);
        let input = OfferingInput {
            category: rng.pick(&CATEGORIES).to_string(),
            name_zh: format!("{zh}{step}"),
            name_en: (step % 3 == 0).then(|| format!("{en} {step}")),
            description_zh: "新发布的服务".into(),
            delivery: if step % 4 == 0 { "at-home" } else { "on-site" }.into(),
            place_id: Some(fixture.courtyard),
            coverage: if step % 4 == 0 { vec![fixture.courtyard] } else { vec![] },
            latitude: Some(CENTRE.0 + (rng.next_f64() - 0.5) * 0.04),
            longitude: Some(CENTRE.1 + (rng.next_f64() - 0.5) * 0.04),
            cost: "paid".into(),
            price: Some(PriceInput {
                amount_fen: 500 + step,
                unit: "visit".into(),
            }),
            phone: "028-85550000".into(),
            ..Default::default()
        };
        let who = if step % 5 == 4 { &them } else { &me };
        let organization = who.roles.organizations[0].0;
        let pick = |rng: &mut Lcg, published: &[ServiceId]| (!published.is_empty()).then(|| *rng.pick(published));
        // Every kind of step comes round (a random pick starved some); what it acts on is random.
        const STEPS: [&str; 10] = [
            "create", "create", "edit", "pause", "create", "resume", "retire", "verify", "pause", "suspend",
        ];
        let outcome = match STEPS[(step as usize + rng.pick(&[0, 0, 1])) % STEPS.len()] {
            "create" => use_cases
                .create(who, organization, &input)
                .await
                .map(|o| published.push(o.id)),
            "edit" => match pick(&mut rng, &published) {
                Some(id) => use_cases.edit(&me, id, &input, None).await.map(|_| ()),
                None => Ok(()),
            },
            "pause" => match pick(&mut rng, &published) {
                Some(id) => use_cases
                    .transition(
                        &me,
                        id,
                        Transition::Pause {
                            reason: "休整".into()
                        },
                        None,
                    )
                    .await
                    .map(|_| ()),
                None => Ok(()),
            },
            "resume" => match pick(&mut rng, &published) {
                Some(id) => use_cases
                    .transition(&me, id, Transition::Resume, None)
                    .await
                    .map(|_| ()),
                None => Ok(()),
            },
            "retire" => match pick(&mut rng, &published) {
                Some(id) => use_cases
                    .transition(&me, id, Transition::Retire { reason: None }, None)
                    .await
                    .map(|_| ()),
                None => Ok(()),
            },
            "verify" => {
                let verified = i64::from(rng.next_f64() < 0.7);
                people::exec(
                    store,
                    "UPDATE organizations SET verified = $1 WHERE id = $2",
                    &[verified, other],
                )
                .await;
                Ok(())
            }
            _ => {
                // Suspended now and then, reinstated most times.
                let suspended = i64::from(rng.next_f64() < 0.25);
                let org = *rng.pick(&[fixture.organization, other]);
                people::exec(
                    store,
                    "UPDATE organizations SET suspended = $1 WHERE id = $2",
                    &[suspended, org],
                )
                .await;
                Ok(())
            }
        };
        // Every third step, a rating moves a service in the rating order: a delta too.
        if step % 3 == 2 && !published.is_empty() {
            let id = *ratings.pick(&published);
            let (low, high): (i64, i64) = (*ratings.pick(&[0, 1, 2]), *ratings.pick(&[0, 1, 3]));
            people::exec(
                store,
                "INSERT INTO service_ratings (service_id, r1, r5) VALUES ($1, $2, $3) \
                 ON CONFLICT (service_id) DO UPDATE SET r1 = service_ratings.r1 + $2, r5 = service_ratings.r5 + $3",
                &[id.get(), low, high],
            )
            .await;
        }
        match outcome {
            Ok(()) => done += 1,
            Err(e) => {
                if std::env::var("SHOW_REFUSALS").is_ok() {
                    eprintln!("step {step}: {e:?}");
                }
                refused += 1
            }
        }
        if step % 5 != 4 {
            continue;
        }
        // The snapshot took these steps as changes, not by reading everything again (and
        // half way, everything is read again: changes then apply to the new base).
        if step == 29 {
            store.rebuild_index().await.unwrap();
        }
        for (n, s) in searches(step as u64, 40).iter().enumerate() {
            let by_index = store.search_by_index(s).await.unwrap();
            assert_eq!(
                by_index.as_ref(),
                Some(&store.search_by_sql(s).await.unwrap()),
                "step {step}, search {n}"
            );
        }
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM services ORDER BY id")
            .fetch_all(store.pool())
            .await
            .unwrap();
        for id in ids {
            for lang in [Lang::Zh, Lang::En] {
                let id = ServiceId::new(id).unwrap();
                assert_eq!(
                    store.cached().service(id, lang, None).await.unwrap(),
                    store.service_by_sql(id, lang, None).await.unwrap(),
                    "step {step}, service {id}"
                );
            }
        }
        for org in [fixture.organization, other] {
            let org = OrganizationId::new(org).unwrap();
            assert_eq!(
                store.cached().organization(org, Lang::Zh, None).await.unwrap(),
                store.organization_by_sql(org, Lang::Zh, None).await.unwrap(),
                "step {step}, organization {org}"
            );
        }
    }
    let status = store.index_status().unwrap();
    assert!(status.changed > 0, "the last steps were applied as changes: {status:?}");
    let statuses: Vec<String> = sqlx::query_scalar("SELECT DISTINCT status FROM services ORDER BY status")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert_eq!(statuses, ["active", "paused", "retired"], "every status was compared");
    assert!(
        done > 30 && refused > 0,
        "the sequence did things and was refused some: {done}, {refused}"
    );
}

on_both_engines!(
    after_any_write_the_next_indexed_search_is_current,
    a_snapshot_older_than_the_change_log_is_read_whole_again,
    many_changes_are_applied_then_folded_into_a_new_base,
    every_column_the_snapshot_reads_bumps_the_version_when_updated,
    after_random_publishing_the_snapshot_answers_as_sql_does,
);
