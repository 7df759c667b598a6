//! Indirect contact: letters, cards and gifts a parent sends a child
//! through the centre. Each item is logged when it arrives, checked by a
//! member of staff, then forwarded or withheld (with the reason). The
//! sender sees where their item is, never where the child lives: the
//! centre forwards it, so no address ever reaches the sender.

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Letter,
    Card,
    Gift,
    Photo,
    Other,
}

impl ItemKind {
    pub const ALL: [ItemKind; 5] = [
        ItemKind::Letter,
        ItemKind::Card,
        ItemKind::Gift,
        ItemKind::Photo,
        ItemKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Letter => "letter",
            ItemKind::Card => "card",
            ItemKind::Gift => "gift",
            ItemKind::Photo => "photo",
            ItemKind::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<ItemKind> {
        ItemKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            ItemKind::Letter => "Letter",
            ItemKind::Card => "Card",
            ItemKind::Gift => "Gift",
            ItemKind::Photo => "Photo",
            ItemKind::Other => "Other item",
        }
    }
}

/// Where an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStage {
    /// Logged, waiting to be checked.
    Received,
    /// Checked by staff, waiting to be forwarded.
    Checked,
    Forwarded,
    /// Not passed on, with a reason recorded.
    Withheld,
}

impl ItemStage {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemStage::Received => "received",
            ItemStage::Checked => "checked",
            ItemStage::Forwarded => "forwarded",
            ItemStage::Withheld => "withheld",
        }
    }

    pub fn parse(text: &str) -> Option<ItemStage> {
        [
            ItemStage::Received,
            ItemStage::Checked,
            ItemStage::Forwarded,
            ItemStage::Withheld,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    /// How the sender sees it.
    pub fn for_sender(self) -> &'static str {
        match self {
            ItemStage::Received => "Received by the centre",
            ItemStage::Checked => "Checked, to be passed on",
            ItemStage::Forwarded => "Passed on",
            ItemStage::Withheld => "Not passed on: the centre will explain",
        }
    }
}

/// A step staff take with an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemStep {
    Check { note: String },
    Forward,
    Withhold { reason: String },
}

/// The stage after `step`, or why the step cannot be taken now.
pub fn next_stage(now: ItemStage, step: &ItemStep) -> Result<ItemStage, AppError> {
    match (now, step) {
        (ItemStage::Received, ItemStep::Check { .. }) => Ok(ItemStage::Checked),
        (ItemStage::Received, ItemStep::Forward) => {
            Err(AppError::conflict("Check the item before it is passed on."))
        }
        (ItemStage::Received | ItemStage::Checked, ItemStep::Withhold { reason }) => {
            if reason.trim().is_empty() {
                Err(AppError::invalid(
                    "reason",
                    "Say why the item is not passed on; the coordinator and referrer read this.",
                ))
            } else {
                Ok(ItemStage::Withheld)
            }
        }
        (ItemStage::Checked, ItemStep::Forward) => Ok(ItemStage::Forwarded),
        (ItemStage::Checked, ItemStep::Check { .. }) => {
            Err(AppError::conflict("This item is already checked."))
        }
        (ItemStage::Forwarded | ItemStage::Withheld, _) => {
            Err(AppError::conflict("This item has already been dealt with."))
        }
    }
}

/// Checks a description typed when an item is logged.
pub fn check_description(text: &str) -> Result<String, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::invalid(
            "description",
            "Describe the item, for example \"birthday card with a drawing\".",
        ));
    }
    if text.chars().count() > 500 {
        return Err(AppError::invalid(
            "description",
            "Keep the description under 500 characters.",
        ));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_is_checked_before_it_is_forwarded() {
        assert!(next_stage(ItemStage::Received, &ItemStep::Forward).is_err());
        let checked = next_stage(
            ItemStage::Received,
            &ItemStep::Check {
                note: String::new(),
            },
        )
        .unwrap();
        assert_eq!(checked, ItemStage::Checked);
        assert_eq!(
            next_stage(checked, &ItemStep::Forward).unwrap(),
            ItemStage::Forwarded
        );
        assert!(next_stage(ItemStage::Forwarded, &ItemStep::Forward).is_err());
    }

    #[test]
    fn withholding_needs_a_reason_and_ends_the_item() {
        let no_reason = ItemStep::Withhold { reason: " ".into() };
        assert_eq!(
            next_stage(ItemStage::Checked, &no_reason)
                .unwrap_err()
                .field(),
            Some("reason")
        );
        let reason = ItemStep::Withhold {
            reason: "Mentions the child's school".into(),
        };
        assert_eq!(
            next_stage(ItemStage::Received, &reason).unwrap(),
            ItemStage::Withheld
        );
        assert!(next_stage(ItemStage::Withheld, &ItemStep::Forward).is_err());
    }

    #[test]
    fn kinds_and_stages_read_back_and_descriptions_are_checked() {
        for kind in ItemKind::ALL {
            assert_eq!(ItemKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ItemStage::parse("forwarded"), Some(ItemStage::Forwarded));
        assert!(check_description("  ").is_err());
        assert_eq!(check_description(" Card ").unwrap(), "Card");
    }
}
