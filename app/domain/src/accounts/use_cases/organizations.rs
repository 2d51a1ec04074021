//! Organizations: registration, oversight by community staff, members.

use super::*;

/// What an organization's registration form sends.
pub struct OrganizationForm {
    pub name: String,
    pub kind: String,
    pub credit_code: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub communities: Vec<GridUnitId>,
}

/// What community staff do to an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Oversight {
    Verify,
    Suspend,
    Reinstate,
}

impl Accounts<'_> {
    /// An organization registers itself; the caller becomes its owner. It stays
    /// unverified until staff of a community it serves verify it.
    pub async fn register_organization(
        &self,
        who: &Principal,
        input: OrganizationForm,
    ) -> Result<OrganizationId, AppError> {
        // Each registration is a directory change (every instance rebuilds its snapshot).
        self.limit(crate::accounts::ORGANIZATIONS_PER_PERSON, &who.person.to_string())
            .await?;
        let mut refusals = Refusals::new();
        let name = refusals.check(required_text("name", &input.name, 80));
        let kind = refusals.check(OrganizationKind::parse(input.kind.trim()).ok_or_else(|| {
            FieldError::new(
                "kind",
                "请选择机构类型",
                "must be social-organization, volunteer-organization or resident-unit",
            )
        }));
        let credit = refusals.check(CreditCode::new(&input.credit_code));
        let contact = refusals.check(required_text("contact_name", &input.contact_name, 40));
        let phone = refusals.check(
            Login::parse(&input.contact_phone)
                .and_then(|l| {
                    if l.is_phone() {
                        Ok(l)
                    } else {
                        Err(FieldError::new(
                            "contact_phone",
                            "请填写手机号",
                            "must be a mobile number",
                        ))
                    }
                })
                .map_err(|e| FieldError::with("contact_phone", e.message)),
        );
        if input.communities.is_empty() {
            refusals.push(FieldError::new(
                "communities",
                "请至少选择一个服务的社区",
                "must name at least one community served",
            ));
        }
        refusals.finish()?;
        let mut unit = self.store.begin().await?;
        for community in &input.communities {
            if !unit.is_community(*community).await? {
                return Err(AppError::Invalid(vec![FieldError::with(
                    "communities",
                    Message::owned(
                        format!("没有编号为 {community} 的社区"),
                        format!("{community} is not a community"),
                    ),
                )]));
            }
        }
        let mut communities = input.communities.clone();
        communities.sort();
        communities.dedup();
        let id = unit
            .create_organization(
                &NewOrganization {
                    name: name.expect("checked"),
                    kind: kind.expect("checked"),
                    credit_code: credit.expect("checked").as_str().to_owned(),
                    contact_name: contact.expect("checked"),
                    contact_phone: phone.expect("checked").as_str().to_owned(),
                    communities,
                    owner: who.person,
                },
                self.now,
            )
            .await
            .map_err(|e| {
                conflict_or(
                    e,
                    "这个统一社会信用代码已经登记过",
                    "an organization with this credit code is already registered",
                )
            })?;
        unit.audit(&self.audit_entry(
            Some(who.person),
            "organization.registered",
            "organization",
            Some(id.get()),
        ))
        .await?;
        unit.commit().await?;
        Ok(id)
    }

    /// Community staff verify, suspend or reinstate an organization serving their
    /// community.
    pub async fn oversee_organization(
        &self,
        who: &Principal,
        id: OrganizationId,
        action: Oversight,
    ) -> Result<(), AppError> {
        let mut unit = self.store.begin().await?;
        let served = unit
            .served_communities(id)
            .await?
            .ok_or_else(|| AppError::not_found("机构", "organization"))?;
        if !who.may_oversee(&served) {
            return Err(AppError::Forbidden);
        }
        // Each action changes only its own flag: reinstating a suspended organization
        // does not verify one that never was.
        let (verified, suspended, name) = match action {
            Oversight::Verify => (Some(true), None, "organization.verified"),
            Oversight::Suspend => (None, Some(true), "organization.suspended"),
            Oversight::Reinstate => (None, Some(false), "organization.reinstated"),
        };
        if !unit.set_organization_state(id, verified, suspended, who.person).await? {
            return Err(AppError::Forbidden);
        }
        unit.audit(&self.audit_entry(Some(who.person), name, "organization", Some(id.get())))
            .await?;
        unit.commit().await?;
        Ok(())
    }

    /// An owner adds a person (by login) as a member or owner.
    pub async fn add_member(
        &self,
        who: &Principal,
        org: OrganizationId,
        login: &str,
        role: &str,
    ) -> Result<PersonId, AppError> {
        let mut refusals = Refusals::new();
        let login = refusals.check(Login::parse(login));
        let role = refusals.check(
            MemberRole::parse(role.trim())
                .ok_or_else(|| FieldError::new("role", "须为 owner 或 member", "must be owner or member")),
        );
        refusals.finish()?;
        let mut unit = self.store.begin().await?;
        if unit.served_communities(org).await?.is_none() {
            return Err(AppError::not_found("机构", "organization"));
        }
        if !who.may_manage_members(org) {
            return Err(AppError::Forbidden);
        }
        let person = unit
            .sign_in_record(&login.expect("checked"))
            .await?
            .ok_or_else(|| {
                AppError::Invalid(vec![FieldError::new(
                    "login",
                    "这个账号还没有注册，请对方先注册",
                    "has no account yet; ask them to sign up first",
                )])
            })?
            .person;
        unit.add_member(org, person, role.expect("checked"), self.now)
            .await
            .map_err(|e| conflict_or(e, "对方已经是成员", "is already a member"))?;
        let mut entry = self.audit_entry(
            Some(who.person),
            "organization.member_added",
            "organization",
            Some(org.get()),
        );
        entry.detail = Some(format!("person {person}"));
        unit.audit(&entry).await?;
        unit.commit().await?;
        Ok(person)
    }

    pub async fn remove_member(&self, who: &Principal, org: OrganizationId, person: PersonId) -> Result<(), AppError> {
        let mut unit = self.store.begin().await?;
        if unit.served_communities(org).await?.is_none() {
            return Err(AppError::not_found("机构", "organization"));
        }
        if !who.may_manage_members(org) {
            return Err(AppError::Forbidden);
        }
        if !unit.remove_member(org, person).await? {
            return Err(AppError::conflict(
                "不能移除：对方不是成员，或是最后一位负责人",
                "cannot remove: not a member, or the last owner",
            ));
        }
        let mut entry = self.audit_entry(
            Some(who.person),
            "organization.member_removed",
            "organization",
            Some(org.get()),
        );
        entry.detail = Some(format!("person {person}"));
        unit.audit(&entry).await?;
        unit.commit().await?;
        Ok(())
    }
}
