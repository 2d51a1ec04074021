//! The people of the generated year, written before anything that refers to them: a staff
//! member per community, an owner per organization, the residents spread over the
//! buildings, and for every tenth resident a family member who acts for them (an active
//! family link).

use super::super::rng::Rng;
use super::super::{words, Batch, CitySize, Value};
use super::{next_id, City, People, Resident};
use std::collections::HashMap;
use Value::{Int, OptInt, Text};

/// Writes them; answers them with how many people were made.
pub(super) async fn add(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    rng: &mut Rng,
    city: &City,
    size: &CitySize,
    prefix: &str,
    joined: i64,
) -> anyhow::Result<(People, usize)> {
    let first_person = next_id(tx, "people").await?;
    let mut person = first_person;
    let mut people = Batch::new(
        "INSERT INTO people (id, login, display_name, home_grid_unit_id, created_at)",
        5,
    );

    // People first (the rows below refer to them): one staff member per community, one
    // owner per organization, the residents spread over the city.buildings, and for every
    // tenth resident a family member who acts for them.
    let mut new_person = |rng: &mut Rng, login: String, home: Option<i64>| {
        let id = person;
        person += 1;
        (
            id,
            vec![
                Int(id),
                Text(login),
                Text(words::person_name(rng)),
                OptInt(home),
                Int(joined),
            ],
        )
    };
    let mut staff_of = HashMap::new();
    for (n, community) in city.communities.iter().enumerate() {
        let (id, row) = new_person(rng, format!("staff-{n}@{prefix}doorstep.example.org"), None);
        people.push(tx, row).await?;
        staff_of.insert(*community, id);
    }
    let mut owner_of = HashMap::new();
    for (n, organization) in city.organizations.iter().enumerate() {
        let (id, row) = new_person(rng, format!("owner-{n}@{prefix}doorstep.example.org"), None);
        people.push(tx, row).await?;
        owner_of.insert(*organization, id);
    }
    let mut residents = Vec::with_capacity(size.residents as usize);
    for n in 0..size.residents {
        let (building, community) = city.buildings[rng.below(city.buildings.len())];
        let (id, row) = new_person(
            rng,
            format!("resident-{n}@{prefix}doorstep.example.org"),
            Some(building),
        );
        let Value::Text(name) = &row[2] else {
            unreachable!("the third column is the name")
        };
        let name = name.clone();
        people.push(tx, row).await?;
        let family = if n % 10 == 0 {
            let (member, row) = new_person(rng, format!("family-{n}@{prefix}doorstep.example.org"), None);
            people.push(tx, row).await?;
            Some((member, *rng.pick(words::RELATIONS)))
        } else {
            None
        };
        residents.push(Resident {
            id,
            name,
            building,
            community,
            family,
        });
    }
    people.flush(tx).await?;
    anyhow::ensure!(
        !residents.is_empty(),
        "requests and needs need residents: --residents is 0"
    );

    let mut staff = Batch::new("INSERT INTO community_staff (person_id, community_id)", 2);
    for (community, id) in &staff_of {
        staff.push(tx, vec![Int(*id), Int(*community)]).await?;
    }
    staff.flush(tx).await?;
    let mut members = Batch::new(
        "INSERT INTO organization_members (organization_id, person_id, role, added_at)",
        4,
    );
    for (organization, id) in &owner_of {
        members
            .push(
                tx,
                vec![Int(*organization), Int(*id), Text("owner".into()), Int(joined)],
            )
            .await?;
    }
    members.flush(tx).await?;
    let mut links = Batch::new(
        "INSERT INTO family_links (person_id, member_id, relation, status, created_at, confirmed_at, confirmed_by)",
        7,
    );
    for r in &residents {
        if let Some((member, relation)) = r.family {
            links
                .push(
                    tx,
                    vec![
                        Int(r.id),
                        Int(member),
                        Text(relation.into()),
                        Text("active".into()),
                        Int(joined),
                        OptInt(Some(joined)),
                        OptInt(Some(r.id)),
                    ],
                )
                .await?;
        }
    }
    links.flush(tx).await?;
    let made = (person - first_person) as usize;
    Ok((
        People {
            staff_of,
            owner_of,
            residents,
        },
        made,
    ))
}
