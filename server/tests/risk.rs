//! Risk assessments through the real router: the coordinator's decision,
//! why, and the next review, beside what the risk guide suggested.

mod common;

use common::{Backend, TestApp};
use http::StatusCode;

both_databases! {
    async fn a_risk_assessment_records_the_decision_why_and_review_beside_the_guide(app: TestApp) {
        use sqlx::Row;
        let coordinator = app.sign_in_demo("coordinator").await;
        let case_id: i64 = sqlx::query("SELECT id FROM cases WHERE reference = 'FAM-0002'")
            .fetch_one(&app.db.pool).await.unwrap().try_get("id").unwrap();
        let case = case_id.to_string();
        let record = |stage: &'static str, decision: &'static str, why: &'static str, review: &'static str| {
            [("case_id", case.clone()), ("stage", stage.to_owned()), ("decision", decision.to_owned()), ("why", why.to_owned()), ("review_on", review.to_owned())]
        };
        let call = |form: [(&'static str, String); 5], cookie: String| {
            let app = &app;
            async move {
                let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.call("record_risk_assessment", &pairs, Some(&cookie)).await
            }
        };
        let empty = call(record("at_referral", "supervised", "  ", "2099-01-31"), coordinator.clone()).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(empty.json()["field"], "why");
        let past = call(record("at_referral", "supervised", "Fear of abduction", "2001-01-01"), coordinator.clone()).await;
        assert_eq!(past.json()["field"], "review_on");
        let odd = call(record("at_referral", "maybe", "Fear of abduction", "2099-01-31"), coordinator.clone()).await;
        assert_eq!(odd.json()["field"], "decision");
        let worker = app.sign_in_demo("worker1").await;
        assert_eq!(call(record("at_referral", "supervised", "x", "2099-01-31"), worker).await.status, StatusCode::FORBIDDEN);

        let first = call(record("at_referral", "supervised", "Fear of abduction; a safety plan agreed.", "2099-01-31"), coordinator.clone()).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        let review = call(record("after_pre_visits", "supervised", "Both pre-visits went well; keep supervised for now.", "2099-03-31"), coordinator.clone()).await;
        assert_eq!(review.status, StatusCode::OK, "{}", review.body);
        // Later, a review meeting moves the case on, and the assessment says
        // it was made there.
        let later = call(record("at_review", "supported", "The review found no incident in the series; supported contact next.", "2099-06-30"), coordinator.clone()).await;
        assert_eq!(later.status, StatusCode::OK, "{}", later.body);
        let list = app.call("risk_assessments", &[("case_id", &case)], Some(&coordinator)).await.json();
        assert_eq!(list[0]["stage"], "at_review");
        assert_eq!(list[0]["decision"], "supported");
        assert_eq!(list[1]["stage"], "after_pre_visits");
        assert_eq!(list[2]["why"], "Fear of abduction; a safety plan agreed.");
        assert_eq!(list[2]["suggested"], "supported", "the guide allows supported contact for this reason");
        assert_eq!(list[2]["review_on"], "2099-01-31");
    }
}
