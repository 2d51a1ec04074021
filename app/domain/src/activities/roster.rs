//! One activity's sign-ups in memory, run by the same rules as the store
//! ([`super::signup`]): the reference model that the domain's property tests drive with
//! random sequences and that the server's tests compare the SQL store against.

use super::signup::{self, SignupFacts, SignupStatus};
use super::store::Standing;
use crate::accounts::store::Millis;
use crate::error::AppError;
use crate::ids::PersonId;
use std::collections::{BTreeMap, VecDeque};

#[derive(Debug, Clone)]
pub struct Roster {
    pub facts: SignupFacts,
    /// Everyone who ever signed up, with where they stand now.
    statuses: BTreeMap<PersonId, SignupStatus>,
    /// The waitlist, first in line first.
    waitlist: VecDeque<PersonId>,
}

impl Roster {
    pub fn new(facts: SignupFacts) -> Self {
        Self {
            facts,
            statuses: BTreeMap::new(),
            waitlist: VecDeque::new(),
        }
    }

    pub fn sign_up(&mut self, person: PersonId, now: Millis) -> Result<Standing, AppError> {
        let status = signup::sign_up(&self.facts, self.statuses.get(&person).copied(), None, now)?;
        self.statuses.insert(person, status);
        match status {
            SignupStatus::Confirmed => self.facts.confirmed += 1,
            _ => self.waitlist.push_back(person),
        }
        Ok(self.standing(person).expect("just signed up"))
    }

    /// Cancels; answers who was promoted.
    pub fn cancel(&mut self, person: PersonId, now: Millis) -> Result<Option<PersonId>, AppError> {
        let cancellation = signup::cancel(&self.facts, self.statuses.get(&person).copied(), now)?;
        self.statuses.insert(person, SignupStatus::Cancelled);
        self.waitlist.retain(|p| *p != person);
        if cancellation.freed_place {
            self.facts.confirmed -= 1;
        }
        if cancellation.promote {
            if let Some(first) = self.waitlist.pop_front() {
                self.statuses.insert(first, SignupStatus::Confirmed);
                self.facts.confirmed += 1;
                return Ok(Some(first));
            }
        }
        Ok(None)
    }

    pub fn standing(&self, person: PersonId) -> Option<Standing> {
        let status = *self.statuses.get(&person)?;
        let position = (status == SignupStatus::Waitlisted)
            .then(|| self.waitlist.iter().position(|p| *p == person).map(|i| i as u32 + 1))
            .flatten();
        Some(Standing { status, position })
    }

    pub fn confirmed(&self) -> Vec<PersonId> {
        self.with(SignupStatus::Confirmed)
    }

    /// The waitlist in order.
    pub fn waitlist(&self) -> Vec<PersonId> {
        self.waitlist.iter().copied().collect()
    }

    fn with(&self, status: SignupStatus) -> Vec<PersonId> {
        self.statuses
            .iter()
            .filter(|(_, s)| **s == status)
            .map(|(p, _)| *p)
            .collect()
    }
}
