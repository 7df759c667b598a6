//! A subject access export: what the centre holds about one person, as
//! sections of labelled lines, written out as JSON and as a readable HTML
//! page. Lines that carry other people's information (a session record
//! describes the child and both parents) are marked for review before
//! release; the other parent's contact details are never collected at all.

use serde::Serialize;

use super::message::escape_html;
use crate::error::AppError;

/// Whom an export is for, as named in its address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFor {
    /// One parent of a case, by side: their own details only.
    Parent { case_id: i64, resident: bool },
    /// The children of a case, asked for through the resident parent.
    Children { case_id: i64 },
    /// An account: a referrer, a contact worker, a coordinator or a parent.
    Account { user_id: i64 },
}

impl ExportFor {
    /// Reads `resident-12`, `visiting-12`, `children-12` or `account-7`.
    pub fn parse(text: &str) -> Result<ExportFor, AppError> {
        let not_found = || AppError::not_found("That person");
        let (kind, id) = text.split_once('-').ok_or_else(not_found)?;
        let id: i64 = id.parse().map_err(|_| not_found())?;
        match kind {
            "resident" => Ok(ExportFor::Parent {
                case_id: id,
                resident: true,
            }),
            "visiting" => Ok(ExportFor::Parent {
                case_id: id,
                resident: false,
            }),
            "children" => Ok(ExportFor::Children { case_id: id }),
            "account" => Ok(ExportFor::Account { user_id: id }),
            _ => Err(not_found()),
        }
    }

    pub fn path(&self) -> String {
        match self {
            ExportFor::Parent { case_id, resident } => format!(
                "{}-{case_id}",
                if *resident { "resident" } else { "visiting" }
            ),
            ExportFor::Children { case_id } => format!("children-{case_id}"),
            ExportFor::Account { user_id } => format!("account-{user_id}"),
        }
    }
}

/// One line of an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub label: String,
    pub value: String,
    /// It mentions other people: check it (and redact them) before release.
    pub review: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub title: String,
    pub lines: Vec<Line>,
}

impl Section {
    pub fn new(title: &str) -> Section {
        Section {
            title: title.to_owned(),
            lines: Vec::new(),
        }
    }

    /// Adds a line about the person alone.
    pub fn own(&mut self, label: impl Into<String>, value: impl Into<String>) {
        self.lines.push(Line {
            label: label.into(),
            value: value.into(),
            review: false,
        });
    }

    /// Adds a line that may carry other people's information.
    pub fn third_party(&mut self, label: impl Into<String>, value: impl Into<String>) {
        self.lines.push(Line {
            label: label.into(),
            value: value.into(),
            review: true,
        });
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Export {
    pub centre: String,
    /// Who it is about, in words ("Resident parent of case CCC-0012").
    pub subject: String,
    /// When it was made, in London time, and by whom.
    pub made: String,
    pub made_by: String,
    pub sections: Vec<Section>,
}

impl Export {
    /// How many lines are marked for review.
    pub fn to_review(&self) -> usize {
        self.sections
            .iter()
            .flat_map(|section| &section.lines)
            .filter(|line| line.review)
            .count()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_owned())
    }

    /// A page a person can read and print, needing nothing else.
    pub fn to_html(&self) -> String {
        let mut html = format!(
            "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>Subject access: {subject}</title></head><body>\
             <h1>What {centre} holds about: {subject}</h1>\
             <p>Made {made} by {by}. {review} line(s) marked <strong>CHECK BEFORE RELEASE</strong> \
             mention other people and must be reviewed, and other people's details removed, before this is given out.</p>",
            subject = escape_html(&self.subject),
            centre = escape_html(&self.centre),
            made = escape_html(&self.made),
            by = escape_html(&self.made_by),
            review = self.to_review(),
        );
        for section in &self.sections {
            html.push_str(&format!("<h2>{}</h2>", escape_html(&section.title)));
            if section.lines.is_empty() {
                html.push_str("<p>Nothing held.</p>");
                continue;
            }
            html.push_str("<table><tbody>");
            for line in &section.lines {
                html.push_str(&format!(
                    "<tr><th scope=\"row\">{}</th><td>{}{}</td></tr>",
                    escape_html(&line.label),
                    if line.review {
                        "<strong>CHECK BEFORE RELEASE:</strong> "
                    } else {
                        ""
                    },
                    escape_html(&line.value)
                ));
            }
            html.push_str("</tbody></table>");
        }
        html.push_str("</body></html>\n");
        html
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_read_back_and_nonsense_is_not_found() {
        for who in [
            ExportFor::Parent {
                case_id: 3,
                resident: true,
            },
            ExportFor::Parent {
                case_id: 3,
                resident: false,
            },
            ExportFor::Children { case_id: 4 },
            ExportFor::Account { user_id: 9 },
        ] {
            assert_eq!(ExportFor::parse(&who.path()).unwrap(), who);
        }
        for bad in ["", "resident", "resident-x", "neighbour-3", "account-"] {
            assert!(matches!(
                ExportFor::parse(bad),
                Err(AppError::NotFound { .. })
            ));
        }
    }

    #[test]
    fn the_page_escapes_what_was_typed_and_marks_lines_for_review() {
        let mut section = Section::new("Records");
        section.own("Name", "Sam <b>Jones</b>");
        section.third_party("Record", "Mia & her father played");
        let export = Export {
            centre: "Riverside".into(),
            subject: "Resident parent of case CCC-1".into(),
            made: "Fri 4 Dec 2026, 17:00".into(),
            made_by: "Carol".into(),
            sections: vec![section, Section::new("Payments")],
        };
        let html = export.to_html();
        assert!(html.contains("Sam &lt;b&gt;Jones&lt;/b&gt;"));
        assert!(html.contains("CHECK BEFORE RELEASE:</strong> Mia &amp; her father"));
        assert!(html.contains("1 line(s) marked"));
        assert!(html.contains("<h2>Payments</h2><p>Nothing held.</p>"));
        let json: serde_json::Value = serde_json::from_str(&export.to_json()).unwrap();
        assert_eq!(json["sections"][0]["lines"][1]["review"], true);
    }
}
