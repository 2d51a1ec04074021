//! One's own account and staff accounts: API tokens, volunteering, deletion.

use super::*;

impl Accounts<'_> {
    /// The first community-staff account (`doorstep create-staff`). A password is
    /// required: staff accounts oversee others.
    pub async fn create_staff(
        &self,
        login: &str,
        display_name: &str,
        password: &str,
        community: GridUnitId,
    ) -> Result<PersonId, AppError> {
        let mut refusals = Refusals::new();
        let login = refusals.check(Login::parse(login));
        let name = refusals.check(DisplayName::new(display_name));
        let password = refusals.check(Password::new(password));
        refusals.finish()?;
        let (login, name, password) = (
            login.expect("checked"),
            name.expect("checked"),
            password.expect("checked"),
        );
        let hash = self.secrets.hash_password(password.expose()).await;
        let mut unit = self.store.begin().await?;
        if !unit.is_community(community).await? {
            return Err(AppError::Invalid(vec![FieldError::new(
                "community",
                "没有这个社区",
                "is not a community on the grid",
            )]));
        }
        let person = match unit.sign_in_record(&login).await? {
            Some(existing) => existing.person,
            None => {
                let person = unit
                    .create_person(Some(&login), name.as_str(), Some(&hash), None, self.now)
                    .await
                    .map_err(login_taken)?;
                unit.record_consent(person, NOTICE_VERSION, self.now).await?;
                person
            }
        };
        unit.add_community_staff(person, community)
            .await
            .map_err(|e| conflict_or(e, "已经是这个社区的工作人员", "is already staff of this community"))?;
        unit.audit(&self.audit_entry(None, "staff.created", "person", Some(person.get())))
            .await?;
        unit.commit().await?;
        Ok(person)
    }

    /// A personal API token; its secret is returned once and stored only hashed.
    pub async fn create_api_token(&self, who: &Principal, name: &str) -> Result<(i64, String), AppError> {
        let name = required_text("name", name, 40).map_err(|e| AppError::Invalid(vec![e]))?;
        let token = format!("ds_{}", self.secrets.new_token());
        let mut unit = self.store.begin().await?;
        let id = unit
            .create_api_token(who.person, &name, &self.secrets.token_hash(&token), self.now)
            .await?;
        unit.commit().await?;
        Ok((id, token))
    }

    pub async fn revoke_api_token(&self, who: &Principal, id: i64) -> Result<(), AppError> {
        let mut unit = self.store.begin().await?;
        if !unit.revoke_api_token(who.person, id, self.now).await? {
            return Err(AppError::not_found("令牌", "token"));
        }
        unit.commit().await?;
        Ok(())
    }

    /// Deletes the signed-in person's account (ratings they gave stay, anonymized).
    pub async fn delete_account(&self, who: &Principal) -> Result<(), AppError> {
        let mut unit = self.store.begin().await?;
        unit.delete_person(who.person, self.now).await?;
        unit.audit(&self.audit_entry(Some(who.person), "person.deleted", "person", Some(who.person.get())))
            .await?;
        unit.commit().await?;
        Ok(())
    }

    /// Opts in to (or out of) volunteering, with skills, availability and home place.
    pub async fn set_volunteer(
        &self,
        who: &Principal,
        input: crate::accounts::store::VolunteerProfile,
    ) -> Result<(), AppError> {
        let mut refusals = Refusals::new();
        for (field, value) in [("skills", &input.skills), ("availability", &input.availability)] {
            if !value.trim().is_empty() {
                refusals.check(required_text(field, value, 200));
            }
        }
        refusals.finish()?;
        let mut unit = self.store.begin().await?;
        if let Some(place) = input.home_grid_unit {
            if !unit.grid_unit_exists(place).await? {
                return Err(AppError::Invalid(vec![FieldError::new(
                    "home_grid_unit",
                    "网格上没有这个地点",
                    "is not a place on the grid",
                )]));
            }
        }
        let profile = crate::accounts::store::VolunteerProfile {
            volunteer: input.volunteer,
            skills: input.skills.trim().to_owned(),
            availability: input.availability.trim().to_owned(),
            home_grid_unit: input.home_grid_unit,
        };
        unit.set_volunteer(who.person, &profile).await?;
        unit.commit().await?;
        Ok(())
    }
}
