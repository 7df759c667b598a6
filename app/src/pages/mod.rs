/// `/coordinator/calendar`: the centre's week.
pub mod calendar;
/// `/coordinator/cases/:id`: one case from referral to payments.
pub mod case;
/// A list of cases with their children, shared by the parent and referrer pages.
pub mod case_list;
/// `/coordinator/cases`: the case list and the referral form.
pub mod cases;
/// `/coordinator`: accounts of the centre.
pub mod coordinator;
/// The indirect-contact log on a case page.
pub mod indirect;
/// `/`: sends a signed-in person to their page, others to sign in.
pub mod landing;
/// Any unknown address.
pub mod not_found;
/// `/parent`: the parent's family and bookings.
pub mod parent;
/// `/password`: choosing one's own password (first, after a reset).
pub mod password;
/// `/privacy`: the privacy notice for each kind of person, and what is kept how long.
pub mod privacy;
/// Session records after the session: signing, co-signing, reading.
pub mod records;
/// `/referrer`: the referrer's cases.
pub mod referrer;
/// The risk assessments on a case page.
pub mod risk_assessment;
/// `/worker/sessions/:id`: session mode on the worker's phone.
pub mod session;
/// `/coordinator/sessions/:id`: a session's merged record.
pub mod session_record;
/// Session mode's signing card: completing and signing the record with the PIN.
pub mod session_sign;
/// `/coordinator/settings`: prices, staggering, hours, closed days, rooms.
pub mod settings;
/// `/sign-in`.
pub mod sign_in;
/// `/worker`: the contact worker's sessions.
pub mod worker;
