/// A list of cases with their children, shared by the parent and referrer pages.
pub mod case_list;
/// `/coordinator`: accounts of the centre.
pub mod coordinator;
/// `/`: sends a signed-in person to their page, others to sign in.
pub mod landing;
/// Any unknown address.
pub mod not_found;
/// `/parent`: the parent's family and bookings.
pub mod parent;
/// `/referrer`: the referrer's cases.
pub mod referrer;
/// `/sign-in`.
pub mod sign_in;
/// `/worker`: the contact worker's sessions.
pub mod worker;
