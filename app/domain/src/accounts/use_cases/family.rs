//! Family links (亲友代办): requested and confirmed by code, or made in person by staff.

use super::*;

impl Accounts<'_> {
    /// A resident asks to link a family member (by login), who may then act for them.
    /// The member gets a code and confirms from their own account.
    pub async fn link_family_member(
        &self,
        who: &Principal,
        member_login: &str,
        relation: &str,
    ) -> Result<Option<i64>, AppError> {
        let mut refusals = Refusals::new();
        let login = refusals.check(Login::parse(member_login).map_err(|e| FieldError::with("member_login", e.message)));
        let relation = refusals.check(required_text("relation", relation, 20));
        refusals.finish()?;
        let login = login.expect("checked");
        self.limit(crate::accounts::FAMILY_LINKS_PER_PERSON, &who.person.to_string())
            .await?;
        self.limit(crate::accounts::CODES_PER_LOGIN, login.as_str()).await?;
        let mut unit = self.store.begin().await?;
        // The same answer whether or not the number has an account: asking must not
        // tell anyone who is registered. Without an account nothing is made or sent.
        let Some(member) = unit.sign_in_record(&login).await? else {
            return Ok(None);
        };
        if member.person == who.person {
            return Err(AppError::Invalid(vec![FieldError::new(
                "member_login",
                "不能关联自己",
                "cannot be yourself",
            )]));
        }
        // The one constraint here: an open link between the two exists already.
        let id = unit
            .create_family_link(who.person, member.person, &relation.expect("checked"), None, self.now)
            .await
            .map_err(|e| conflict_or(e, "已经关联过这位家人", "this family member is already linked"))?;
        self.send_code(
            unit.as_mut(),
            &login,
            CodePurpose::FamilyLink,
            Message::fixed("【家门口】亲友关联确认码", "[Doorstep] family link confirmation code"),
        )
        .await?;
        unit.commit().await?;
        Ok(Some(id))
    }

    /// The member confirms a link with the code sent to them.
    pub async fn confirm_family_link(
        &self,
        who: &Principal,
        link: i64,
        member_login: &Login,
        code: &str,
    ) -> Result<(), AppError> {
        let code = OneTimeCode::new(code).map_err(|e| AppError::Invalid(vec![e]))?;
        let mut unit = self.store.begin().await?;
        let found = unit.family_link(link).await?;
        let Some(found) = found.filter(|l| l.member == who.person || l.person == who.person) else {
            return Err(AppError::not_found("亲友关联", "family link"));
        };
        if found.member != who.person {
            return Err(AppError::Forbidden);
        }
        let stored = unit.live_code(member_login, CodePurpose::FamilyLink, self.now).await?;
        drop(unit);
        let stored = stored.ok_or_else(|| wrong_code("code"))?;
        let tries = self.store.count_code_try(stored.id).await?;
        if tries > CODE_MAX_TRIES || self.secrets.token_hash(code.expose()) != stored.code_hash {
            return Err(wrong_code("code"));
        }
        let mut unit = self.store.begin().await?;
        if !unit.use_code(stored.id, self.now).await? || !unit.confirm_family_link(link, who.person, self.now).await? {
            return Err(AppError::conflict(
                "这个关联已经确认或结束",
                "this link is already confirmed or ended",
            ));
        }
        let mut entry = self.audit_entry(Some(who.person), "family.confirmed", "family_link", Some(link));
        entry.on_behalf_of = Some(found.person);
        unit.audit(&entry).await?;
        unit.commit().await?;
        Ok(())
    }

    /// Either side ends a link.
    pub async fn end_family_link(&self, who: &Principal, link: i64) -> Result<(), AppError> {
        let mut unit = self.store.begin().await?;
        if !unit.end_family_link(link, who.person, self.now).await? {
            return Err(AppError::not_found("亲友关联", "family link"));
        }
        unit.audit(&self.audit_entry(Some(who.person), "family.ended", "family_link", Some(link)))
            .await?;
        unit.commit().await?;
        Ok(())
    }

    /// Community staff, in person, link a resident who has no phone to the family member
    /// who will act for them, creating the resident's account (without a login). Active
    /// at once, and audited as done by the staff member for that resident.
    pub async fn link_in_person(
        &self,
        who: &Principal,
        community: GridUnitId,
        person_name: &str,
        member_login: &str,
        relation: &str,
    ) -> Result<(PersonId, i64), AppError> {
        let mut refusals = Refusals::new();
        let name =
            refusals.check(DisplayName::new(person_name).map_err(|e| FieldError::with("person_name", e.message)));
        let login = refusals.check(Login::parse(member_login).map_err(|e| FieldError::with("member_login", e.message)));
        let relation = refusals.check(required_text("relation", relation, 20));
        refusals.finish()?;
        if !who.is_staff_of(community) {
            return Err(AppError::Forbidden);
        }
        let mut unit = self.store.begin().await?;
        let member = unit.sign_in_record(&login.expect("checked")).await?.ok_or_else(|| {
            AppError::Invalid(vec![FieldError::new(
                "member_login",
                "这位家人还没有注册，请家人先注册",
                "has no account yet; ask the family member to sign up first",
            )])
        })?;
        let name = name.expect("checked");
        let person = unit
            .create_person(None, name.as_str(), None, Some(who.person), self.now)
            .await?;
        let link = unit
            .create_family_link(
                person,
                member.person,
                &relation.expect("checked"),
                Some(who.person),
                self.now,
            )
            .await?;
        let mut entry = self.audit_entry(Some(who.person), "family.linked_in_person", "family_link", Some(link));
        entry.on_behalf_of = Some(person);
        entry.detail = Some(format!("community {community}"));
        unit.audit(&entry).await?;
        unit.commit().await?;
        Ok((person, link))
    }
}
