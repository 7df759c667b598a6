//! Prices, charges and cancellation forfeits. Money is integer pence, always.

use serde::{Deserialize, Serialize};

use super::schedule::BookingKind;
use crate::error::AppError;

/// An amount of money in pence. Negative only for refunds and credits.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Pence(pub i64);

impl std::fmt::Display for Pence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}£{}.{:02}", abs / 100, abs % 100)
    }
}

/// The centre's prices, a setting. The defaults are one centre's published
/// prices from 1 January 2024 (DOMAIN.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prices {
    pub registration_per_parent: Pence,
    pub pre_visit_per_parent: Pence,
    pub deposit_per_parent: Pence,
    pub supervised_session: Pence,
    pub final_report: Pence,
}

impl Default for Prices {
    fn default() -> Self {
        Prices {
            registration_per_parent: Pence(11_000),
            pre_visit_per_parent: Pence(7_500),
            deposit_per_parent: Pence(11_000),
            supervised_session: Pence(9_900),
            final_report: Pence(6_000),
        }
    }
}

/// The most any one price may be: a guard against a slipped key.
pub const MOST_PRICE: Pence = Pence(1_000_000);

impl Prices {
    /// Reads prices typed in pounds; each must be from £0 to £10,000.
    pub fn from_pounds(
        registration_per_parent: &str,
        pre_visit_per_parent: &str,
        deposit_per_parent: &str,
        supervised_session: &str,
        final_report: &str,
    ) -> Result<Prices, AppError> {
        let read = |field: &str, text: &str| -> Result<Pence, AppError> {
            let amount = parse_pounds(field, text)?;
            if amount.0 > MOST_PRICE.0 {
                return Err(AppError::invalid(
                    field,
                    format!("A price of more than {MOST_PRICE} looks like a slip. Check it."),
                ));
            }
            Ok(amount)
        };
        Ok(Prices {
            registration_per_parent: read("registration_per_parent", registration_per_parent)?,
            pre_visit_per_parent: read("pre_visit_per_parent", pre_visit_per_parent)?,
            deposit_per_parent: read("deposit_per_parent", deposit_per_parent)?,
            supervised_session: read("supervised_session", supervised_session)?,
            final_report: read("final_report", final_report)?,
        })
    }
}

/// Who pays for a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Funding {
    /// The parents pay.
    Private,
    /// Court-ordered contact funded through Cafcass: the parents pay nothing.
    Cafcass,
    /// A local authority funds the contact: the centre invoices the
    /// authority for every charge (no deposit) and records its payments;
    /// the parents pay nothing.
    LocalAuthority,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Parent {
    Resident,
    Visiting,
}

impl Parent {
    pub fn as_str(self) -> &'static str {
        match self {
            Parent::Resident => "resident",
            Parent::Visiting => "visiting",
        }
    }

    pub fn parse(text: &str) -> Option<Parent> {
        [Parent::Resident, Parent::Visiting]
            .into_iter()
            .find(|p| p.as_str() == text)
    }
}

impl Funding {
    pub fn as_str(self) -> &'static str {
        match self {
            Funding::Private => "private",
            Funding::Cafcass => "cafcass",
            Funding::LocalAuthority => "local_authority",
        }
    }

    /// How the case is funded, in words.
    pub fn label(self) -> &'static str {
        match self {
            Funding::Private => "parents pay",
            Funding::Cafcass => "Cafcass-funded",
            Funding::LocalAuthority => "funded by the local authority (invoiced)",
        }
    }

    /// Whether the centre invoices a funder for every charge of the case,
    /// so that the charges are the funder's, never a parent's.
    pub fn invoices_funder(self) -> bool {
        self == Funding::LocalAuthority
    }

    pub fn parse(text: &str) -> Option<Funding> {
        [Funding::Private, Funding::Cafcass, Funding::LocalAuthority]
            .into_iter()
            .find(|f| f.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChargeKind {
    Registration,
    Deposit,
    PreVisit,
    Session,
    FinalReport,
}

impl ChargeKind {
    pub const ALL: [ChargeKind; 5] = [
        ChargeKind::Registration,
        ChargeKind::Deposit,
        ChargeKind::PreVisit,
        ChargeKind::Session,
        ChargeKind::FinalReport,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChargeKind::Registration => "registration",
            ChargeKind::Deposit => "deposit",
            ChargeKind::PreVisit => "pre_visit",
            ChargeKind::Session => "session",
            ChargeKind::FinalReport => "final_report",
        }
    }

    pub fn parse(text: &str) -> Option<ChargeKind> {
        ChargeKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            ChargeKind::Registration => "Registration",
            ChargeKind::Deposit => "Deposit (refundable)",
            ChargeKind::PreVisit => "Pre-visit",
            ChargeKind::Session => "Contact session",
            ChargeKind::FinalReport => "Final report",
        }
    }
}

/// A charge to raise: who owes what, for what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Charge {
    pub parent: Parent,
    pub kind: ChargeKind,
    pub amount: Pence,
}

/// The events that raise charges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chargeable {
    /// The contact plan starts: registration and deposit for each parent.
    PlanStarts,
    /// A parent's pre-visit is booked.
    PreVisit(Parent),
    /// A contact session is booked (the visiting parent pays).
    Session,
    /// The final written report is requested (the visiting parent pays
    /// unless the centre records otherwise).
    FinalReport,
}

/// Sessions Cafcass funds on a case unless the coordinator records an
/// extension (DOMAIN.md: "usually six sessions").
pub const CAFCASS_SESSIONS: u32 = 6;

/// The most sessions a funder may be recorded as funding.
pub const MOST_FUNDED_SESSIONS: u32 = 52;

/// The charges an event raises. A Cafcass-funded case raises none but a
/// session's, which Cafcass pays for its funded sessions
/// (`funded_positions`) and the visiting parent for any beyond them.
pub fn charges_for(event: Chargeable, funding: Funding, prices: &Prices) -> Vec<Charge> {
    if funding == Funding::Cafcass && event != Chargeable::Session {
        return Vec::new();
    }
    if funding == Funding::LocalAuthority {
        // An authority leaves no deposit: it pays its invoices.
        let mut charges = charges_for(event, Funding::Private, prices);
        charges.retain(|charge| charge.kind != ChargeKind::Deposit);
        return charges;
    }
    let charge = |parent, kind, amount| Charge {
        parent,
        kind,
        amount,
    };
    match event {
        Chargeable::PlanStarts => [Parent::Resident, Parent::Visiting]
            .into_iter()
            .flat_map(|parent| {
                [
                    charge(
                        parent,
                        ChargeKind::Registration,
                        prices.registration_per_parent,
                    ),
                    charge(parent, ChargeKind::Deposit, prices.deposit_per_parent),
                ]
            })
            .collect(),
        Chargeable::PreVisit(parent) => vec![charge(
            parent,
            ChargeKind::PreVisit,
            prices.pre_visit_per_parent,
        )],
        Chargeable::Session => vec![charge(
            Parent::Visiting,
            ChargeKind::Session,
            prices.supervised_session,
        )],
        Chargeable::FinalReport => vec![charge(
            Parent::Visiting,
            ChargeKind::FinalReport,
            prices.final_report,
        )],
    }
}

/// Of a case's live sessions in date order, which are funded: the first
/// `funded` of them (a cancelled session frees its place for a later one).
pub fn funded_positions(live_sessions: usize, funded: u32) -> std::ops::Range<usize> {
    0..live_sessions.min(funded as usize)
}

/// Reads the number of sessions a funder pays for, as typed.
pub fn read_funded_sessions(text: &str) -> Result<u32, AppError> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=MOST_FUNDED_SESSIONS).contains(n))
        .ok_or_else(|| {
            AppError::invalid(
                "funded_sessions",
                format!("Enter how many sessions are funded, from 1 to {MOST_FUNDED_SESSIONS}."),
            )
        })
}

/// Who cancelled a booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Canceller {
    Parent(Parent),
    /// The centre (child ill, appointment): never costs the parents anything.
    Centre,
}

/// What a cancellation costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Forfeit {
    Nothing,
    /// The visiting parent loses the session fee.
    SessionFee,
    /// The parent loses the fee of their own pre-visit.
    PreVisitFee,
    /// The resident parent loses their deposit.
    Deposit,
}

/// The notice below which a parent's cancellation forfeits money.
pub const SHORT_NOTICE_MS: i64 = 48 * 60 * 60 * 1000;

impl Forfeit {
    /// The booking's own charge is kept (not waived) when it is cancelled.
    pub fn keeps_booking_charge(self) -> bool {
        matches!(self, Forfeit::SessionFee | Forfeit::PreVisitFee)
    }
}

/// What cancelling a booking of this kind costs, `notice_ms` before it
/// starts. With 48 hours' notice or more, or when the centre cancels,
/// nothing. Later than that a parent keeps no fee they paid for it: the
/// pre-visit fee for their own pre-visit; for a session the visiting parent
/// the session fee and the resident parent their deposit (they pay no
/// session fee); for a handover, which has no fee, the resident parent
/// their deposit. A review meeting costs nothing.
pub fn cancellation_forfeit(by: Canceller, kind: BookingKind, notice_ms: i64) -> Forfeit {
    let Canceller::Parent(parent) = by else {
        return Forfeit::Nothing;
    };
    if notice_ms >= SHORT_NOTICE_MS {
        return Forfeit::Nothing;
    }
    match (kind, parent) {
        (BookingKind::PreVisit, _) => Forfeit::PreVisitFee,
        (BookingKind::Review, _) => Forfeit::Nothing,
        (BookingKind::Session, Parent::Visiting) => Forfeit::SessionFee,
        (BookingKind::Handover, Parent::Visiting) => Forfeit::Nothing,
        (BookingKind::Session | BookingKind::Handover, Parent::Resident) => Forfeit::Deposit,
    }
}

/// Reads an amount typed in pounds ("99", "99.5", "£1,099.00") as pence.
pub fn parse_pounds(field: &str, text: &str) -> Result<Pence, AppError> {
    let cleaned: String = text
        .trim()
        .trim_start_matches('£')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let invalid = || AppError::invalid(field, "Enter an amount in pounds, for example 99.00.");
    let (pounds, pence) = match cleaned.split_once('.') {
        Some((pounds, pence)) if (1..=2).contains(&pence.len()) => (pounds, format!("{pence:0<2}")),
        Some(_) => return Err(invalid()),
        None => (cleaned.as_str(), "00".to_owned()),
    };
    if pounds.is_empty()
        || !pounds.chars().all(|c| c.is_ascii_digit())
        || !pence.chars().all(|c| c.is_ascii_digit())
    {
        return Err(invalid());
    }
    let pounds: i64 = pounds.parse().map_err(|_| invalid())?;
    let pence: i64 = pence.parse().map_err(|_| invalid())?;
    pounds
        .checked_mul(100)
        .and_then(|p| p.checked_add(pence))
        .map(Pence)
        .ok_or_else(invalid)
}

/// What a parent is told before they cancel, in plain words: `amount` is
/// what they would lose (the booking's own fee, or the deposit).
pub fn forfeit_explanation(forfeit: Forfeit, amount: Pence, funding: Funding) -> String {
    const LATE: &str = "This booking starts in less than 48 hours.";
    match (forfeit, funding) {
        (Forfeit::Nothing, _) => {
            "You are giving 48 hours' notice or more, so cancelling costs you nothing.".to_owned()
        }
        (_, Funding::Cafcass) if amount.0 <= 0 => format!(
            "{LATE} This session is funded through Cafcass, so cancelling costs you nothing, but please tell the centre why."
        ),
        (_, Funding::LocalAuthority) => format!(
            "{LATE} The local authority funds these sessions, so cancelling costs you nothing, but please tell the centre why."
        ),
        (_, _) if amount.0 <= 0 => {
            format!("{LATE} Cancelling now costs you nothing, but please tell the centre why.")
        }
        (Forfeit::SessionFee, _) => {
            format!("{LATE} If you cancel now you lose the session fee of {amount}.")
        }
        (Forfeit::PreVisitFee, _) => {
            format!("{LATE} If you cancel now you lose the pre-visit fee of {amount}.")
        }
        (Forfeit::Deposit, _) => {
            format!("{LATE} If you cancel now you lose your deposit of {amount}.")
        }
    }
}

/// How and when parents pay, a setting: shown to each parent beside what
/// they owe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentTerms {
    /// A booking's fee is due this many days before it.
    pub days_before: u32,
    /// How to pay: bank details, card at the centre, who to ask.
    pub how_to_pay: String,
}

impl Default for PaymentTerms {
    fn default() -> Self {
        PaymentTerms {
            days_before: 7,
            how_to_pay: "Pay by card at the centre, or ask the centre for its bank details."
                .to_owned(),
        }
    }
}

/// The most days before a session its fee may be due.
pub const MOST_DAYS_BEFORE: u32 = 28;
/// The longest payment instructions.
pub const MOST_HOW_TO_PAY_CHARS: usize = 600;

impl PaymentTerms {
    /// Reads the terms as typed on the settings page.
    pub fn from_form(days_before: &str, how_to_pay: &str) -> Result<PaymentTerms, AppError> {
        let days_before = days_before
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|d| *d <= MOST_DAYS_BEFORE)
            .ok_or_else(|| {
                AppError::invalid(
                    "days_before",
                    format!("Enter a whole number of days from 0 to {MOST_DAYS_BEFORE}."),
                )
            })?;
        let how_to_pay = how_to_pay.trim();
        if how_to_pay.is_empty() {
            return Err(AppError::invalid(
                "how_to_pay",
                "Say how parents pay: bank details, or card at the centre.",
            ));
        }
        if how_to_pay.chars().count() > MOST_HOW_TO_PAY_CHARS {
            return Err(AppError::invalid(
                "how_to_pay",
                format!("Keep it to {MOST_HOW_TO_PAY_CHARS} characters."),
            ));
        }
        Ok(PaymentTerms {
            days_before,
            how_to_pay: how_to_pay.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_authority_is_invoiced_every_charge_but_a_deposit_and_a_parent_is_told_it_costs_nothing()
     {
        let prices = Prices::default();
        let plan = charges_for(Chargeable::PlanStarts, Funding::LocalAuthority, &prices);
        assert_eq!(plan.len(), 2, "{plan:?}");
        assert!(plan.iter().all(|c| c.kind == ChargeKind::Registration));
        assert_eq!(
            charges_for(Chargeable::Session, Funding::LocalAuthority, &prices),
            charges_for(Chargeable::Session, Funding::Private, &prices)
        );
        assert!(
            forfeit_explanation(Forfeit::SessionFee, Pence(0), Funding::LocalAuthority)
                .contains("costs you nothing")
        );
        assert_eq!(
            Funding::parse("local_authority"),
            Some(Funding::LocalAuthority)
        );
        assert!(Funding::LocalAuthority.invoices_funder() && !Funding::Cafcass.invoices_funder());
    }

    #[test]
    fn prices_are_typed_in_pounds_and_checked() {
        let prices = Prices::from_pounds("110", "75.00", "£110.00", "99", "60.5").unwrap();
        assert_eq!(prices.supervised_session, Pence(9_900));
        assert_eq!(prices.final_report, Pence(6_050));
        let wrong = Prices::from_pounds("110", "-5", "110", "99", "60").unwrap_err();
        assert_eq!(wrong.field(), Some("pre_visit_per_parent"));
        let slip = Prices::from_pounds("110", "75", "110", "99000", "60").unwrap_err();
        assert_eq!(slip.field(), Some("supervised_session"));
    }

    #[test]
    fn the_parent_is_told_what_they_will_lose() {
        let explain =
            |forfeit, amount, funding| forfeit_explanation(forfeit, Pence(amount), funding);
        assert!(
            explain(Forfeit::SessionFee, 9_900, Funding::Private).contains("session fee of £99.00")
        );
        assert!(
            explain(Forfeit::PreVisitFee, 7_500, Funding::Private)
                .contains("pre-visit fee of £75.00")
        );
        assert!(explain(Forfeit::Deposit, 11_000, Funding::Private).contains("deposit of £110.00"));
        assert!(explain(Forfeit::Nothing, 0, Funding::Private).contains("costs you nothing"));
        assert!(
            explain(Forfeit::SessionFee, 0, Funding::Cafcass).contains("funded through Cafcass")
        );
        assert!(
            explain(Forfeit::SessionFee, 9_900, Funding::Cafcass).contains("£99.00"),
            "a session beyond the funded ones is the parent's"
        );
        assert!(explain(Forfeit::Deposit, 0, Funding::Private).contains("costs you nothing"));
    }

    #[test]
    fn a_late_cancellation_forfeits_the_fee_of_what_was_booked() {
        let late = HOUR;
        let by = Canceller::Parent;
        assert_eq!(
            cancellation_forfeit(by(Parent::Resident), BookingKind::PreVisit, late),
            Forfeit::PreVisitFee,
            "a pre-visit keeps its own fee, not the deposit"
        );
        assert_eq!(
            cancellation_forfeit(by(Parent::Visiting), BookingKind::PreVisit, late),
            Forfeit::PreVisitFee
        );
        assert_eq!(
            cancellation_forfeit(by(Parent::Visiting), BookingKind::Handover, late),
            Forfeit::Nothing,
            "a handover has no fee"
        );
        assert_eq!(
            cancellation_forfeit(by(Parent::Resident), BookingKind::Review, late),
            Forfeit::Nothing
        );
    }

    #[test]
    fn payment_terms_are_checked_as_typed() {
        let terms = PaymentTerms::from_form(" 3 ", "Bank transfer, sort code 00-00-00").unwrap();
        assert_eq!(terms.days_before, 3);
        for days in ["", "-1", "29", "two"] {
            assert_eq!(
                PaymentTerms::from_form(days, "Card").unwrap_err().field(),
                Some("days_before"),
                "{days:?}"
            );
        }
        assert_eq!(
            PaymentTerms::from_form("7", "  ").unwrap_err().field(),
            Some("how_to_pay")
        );
    }

    const MINUTE: i64 = 60_000;
    const HOUR: i64 = 60 * MINUTE;

    #[test]
    fn amounts_typed_in_pounds_become_pence() {
        assert_eq!(parse_pounds("amount", "99").unwrap(), Pence(9_900));
        assert_eq!(parse_pounds("amount", "£1,099.5").unwrap(), Pence(109_950));
        assert_eq!(parse_pounds("amount", " 0.05 ").unwrap(), Pence(5));
        for bad in ["", "-5", "12.345", "ten", "1.2.3", "£"] {
            assert_eq!(
                parse_pounds("amount", bad).unwrap_err().field(),
                Some("amount"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn pence_are_shown_as_pounds() {
        assert_eq!(Pence(9_900).to_string(), "£99.00");
        assert_eq!(Pence(5).to_string(), "£0.05");
        assert_eq!(Pence(-11_000).to_string(), "-£110.00");
    }

    #[test]
    fn a_private_plan_raises_registration_and_deposit_for_each_parent() {
        let charges = charges_for(Chargeable::PlanStarts, Funding::Private, &Prices::default());
        assert_eq!(charges.len(), 4);
        let total: i64 = charges.iter().map(|c| c.amount.0).sum();
        assert_eq!(total, 2 * (11_000 + 11_000));
        assert!(
            charges
                .iter()
                .any(|c| c.parent == Parent::Resident && c.kind == ChargeKind::Deposit)
        );
    }

    #[test]
    fn sessions_and_pre_visits_are_charged_at_the_centre_prices() {
        let prices = Prices {
            supervised_session: Pence(12_000),
            ..Prices::default()
        };
        let session = charges_for(Chargeable::Session, Funding::Private, &prices);
        assert_eq!(
            session,
            [Charge {
                parent: Parent::Visiting,
                kind: ChargeKind::Session,
                amount: Pence(12_000)
            }]
        );
        let pre_visit = charges_for(
            Chargeable::PreVisit(Parent::Resident),
            Funding::Private,
            &prices,
        );
        assert_eq!(pre_visit[0].amount, Pence(7_500));
        assert_eq!(pre_visit[0].parent, Parent::Resident);
    }

    #[test]
    fn a_cafcass_funded_case_raises_no_charge_but_a_sessions_which_cafcass_pays() {
        for event in [
            Chargeable::PlanStarts,
            Chargeable::PreVisit(Parent::Visiting),
            Chargeable::FinalReport,
        ] {
            assert!(
                charges_for(event, Funding::Cafcass, &Prices::default()).is_empty(),
                "{event:?}"
            );
        }
        assert_eq!(
            charges_for(Chargeable::Session, Funding::Cafcass, &Prices::default()).len(),
            1
        );
    }

    #[test]
    fn cafcass_funds_the_first_sessions_and_no_more() {
        assert_eq!(funded_positions(8, CAFCASS_SESSIONS), 0..6);
        assert_eq!(funded_positions(4, CAFCASS_SESSIONS), 0..4);
        assert_eq!(read_funded_sessions(" 10 ").unwrap(), 10);
        for bad in ["0", "53", "six", ""] {
            assert_eq!(
                read_funded_sessions(bad).unwrap_err().field(),
                Some("funded_sessions"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn forty_seven_hours_fifty_nine_minutes_is_short_notice_for_each_parent() {
        let notice = 47 * HOUR + 59 * MINUTE;
        assert_eq!(
            cancellation_forfeit(
                Canceller::Parent(Parent::Visiting),
                BookingKind::Session,
                notice
            ),
            Forfeit::SessionFee
        );
        assert_eq!(
            cancellation_forfeit(
                Canceller::Parent(Parent::Resident),
                BookingKind::Session,
                notice
            ),
            Forfeit::Deposit
        );
    }

    #[test]
    fn forty_eight_hours_is_enough_notice_for_each_parent() {
        let notice = 48 * HOUR;
        assert_eq!(
            cancellation_forfeit(
                Canceller::Parent(Parent::Visiting),
                BookingKind::Session,
                notice
            ),
            Forfeit::Nothing
        );
        assert_eq!(
            cancellation_forfeit(
                Canceller::Parent(Parent::Resident),
                BookingKind::Session,
                notice
            ),
            Forfeit::Nothing
        );
    }

    #[test]
    fn the_centre_cancelling_costs_nothing_even_at_the_last_minute() {
        assert_eq!(
            cancellation_forfeit(Canceller::Centre, BookingKind::Session, MINUTE),
            Forfeit::Nothing
        );
    }
}
