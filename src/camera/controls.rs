//! Which camera controls idcap offers, and how a camera's own description of a control becomes a
//! `ControlInfo` the side panel can show truthfully.
//!
//! Decides: only focus, exposure and anti-flicker (power-line frequency) controls are offered;
//! a menu stays a menu with its named entries (only those values are valid: UVC auto exposure
//! lists 1 "Manual Mode" and 3 "Aperture Priority Mode" inside a 0–3 range); an inactive control
//! is marked inactive; controls of other types (buttons, strings, bitmasks) are left out; and a
//! value to set is checked against the description before it goes to the camera.

use super::{ControlInfo, ControlKind, MenuOption};

/// A control as a backend describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct ControlDescription {
    /// The control's id, as the backend numbers it (V4L2 control id on Linux).
    pub id: u64,
    /// The driver's name ("Power Line Frequency") or v4l2-ctl's ("power_line_frequency").
    pub name: String,
    /// The control's type, range or menu.
    pub kind: DescriptionKind,
    /// The current value.
    pub value: i64,
    /// V4L2 `inactive` (or nokhwa's `active() == false`).
    pub inactive: bool,
}

/// What kind of value a control takes, as the backend describes it.
#[derive(Clone, Debug, PartialEq)]
pub enum DescriptionKind {
    /// A number from `min` to `max` in steps of `step` (driver units).
    Integer {
        /// Smallest value (driver units).
        min: i64,
        /// Largest value (driver units).
        max: i64,
        /// Step between valid values (1 or more).
        step: i64,
    },
    /// On or off (0 or 1).
    Boolean,
    /// Menu entries (value, label) as the camera lists them.
    Menu {
        /// The menu entries (value, label).
        items: Vec<(i64, String)>,
    },
    /// Values without labels.
    Values {
        /// The valid values.
        values: Vec<i64>,
    },
    /// Anything else (buttons, strings, bitmasks, compound types).
    Other,
}

/// Whether idcap offers a control with this name: focus, exposure, power-line frequency.
pub(crate) fn wanted(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace('_', " ");
    n.contains("focus") || n.contains("exposure") || n.contains("power line")
}

/// A human name: "power_line_frequency" → "Power line frequency"; driver names pass through.
pub(crate) fn display_name(name: &str) -> String {
    if !name.contains('_') {
        return name.to_string();
    }
    let spaced = name.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The control as the side panel shows it, or `None` for types idcap does not offer.
pub(crate) fn to_info(d: &ControlDescription) -> Option<ControlInfo> {
    let kind = match &d.kind {
        DescriptionKind::Integer { min, max, step } => ControlKind::Range {
            min: *min,
            max: (*max).max(*min),
            step: (*step).max(1),
            value: d.value,
        },
        DescriptionKind::Boolean => ControlKind::Toggle {
            value: d.value != 0,
        },
        DescriptionKind::Menu { items } if !items.is_empty() => ControlKind::Menu {
            options: items
                .iter()
                .map(|(value, label)| MenuOption {
                    value: *value,
                    label: label.clone(),
                })
                .collect(),
            value: d.value,
        },
        DescriptionKind::Values { values } if !values.is_empty() => ControlKind::Choice {
            options: values.clone(),
            value: d.value,
        },
        _ => return None,
    };
    Some(ControlInfo {
        id: d.id,
        name: display_name(&d.name),
        kind,
        active: !d.inactive,
    })
}

/// Why the camera ignores an inactive control, for its tooltip: UVC cameras mark exposure time
/// inactive while auto exposure is on, and focus while autofocus is on.
pub fn inactive_reason(name: &str) -> String {
    let n = name.to_ascii_lowercase().replace('_', " ");
    if n.contains("exposure") {
        "The camera ignores this while auto exposure is on: set Auto exposure to manual first."
            .to_string()
    } else if n.contains("focus") {
        "The camera ignores this while autofocus is on: switch autofocus off first.".to_string()
    } else {
        "The camera ignores this in its present mode.".to_string()
    }
}

/// The offered controls of a camera, in the camera's order.
pub fn offered(descriptions: &[ControlDescription]) -> Vec<ControlInfo> {
    descriptions
        .iter()
        .filter(|d| wanted(&d.name))
        .filter_map(to_info)
        .collect()
}

/// The control `id` among `controls`, when `value` is one it accepts: what every backend checks
/// before it asks a camera to change a control.
pub(crate) fn settable(
    controls: Vec<ControlInfo>,
    id: u64,
    value: i64,
) -> Result<ControlInfo, String> {
    let info = controls
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| format!("no control {id:#x}"))?;
    check_value(&info, value)?;
    Ok(info)
}

/// Checks `value` against a control before it is sent: a menu takes only its entries, a range
/// only its bounds, a toggle 0 or 1.
pub(crate) fn check_value(info: &ControlInfo, value: i64) -> Result<(), String> {
    let ok = match &info.kind {
        ControlKind::Range { min, max, .. } => (*min..=*max).contains(&value),
        ControlKind::Toggle { .. } => value == 0 || value == 1,
        ControlKind::Choice { options, .. } => options.contains(&value),
        ControlKind::Menu { options, .. } => options.iter().any(|o| o.value == value),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{} does not accept {value}", info.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn menu(id: u64, name: &str, items: &[(i64, &str)], value: i64) -> ControlDescription {
        ControlDescription {
            id,
            name: name.into(),
            kind: DescriptionKind::Menu {
                items: items.iter().map(|(v, l)| (*v, l.to_string())).collect(),
            },
            value,
            inactive: false,
        }
    }

    #[test]
    fn menus_stay_menus_with_their_named_entries() {
        let plf = menu(
            0x0098_0918,
            "power_line_frequency",
            &[(0, "Disabled"), (1, "50 Hz"), (2, "60 Hz"), (3, "Auto")],
            2,
        );
        let info = to_info(&plf).unwrap();
        assert_eq!(info.name, "Power line frequency");
        let ControlKind::Menu { options, value } = &info.kind else {
            panic!("{info:?}")
        };
        assert_eq!(*value, 2);
        let labels: Vec<&str> = options.iter().map(|o| o.label.as_str()).collect();
        assert_eq!(labels, ["Disabled", "50 Hz", "60 Hz", "Auto"]);
        // Auto exposure: 0 and 2 lie inside the range but are not entries.
        let ae = menu(
            0x009a_0901,
            "auto_exposure",
            &[(1, "Manual Mode"), (3, "Aperture Priority Mode")],
            3,
        );
        let info = to_info(&ae).unwrap();
        assert!(check_value(&info, 1).is_ok());
        assert_eq!(
            check_value(&info, 2).unwrap_err(),
            "Auto exposure does not accept 2"
        );
    }

    #[test]
    fn inactive_controls_are_marked_and_unwanted_ones_left_out() {
        let descs = vec![
            ControlDescription {
                id: 1,
                name: "brightness".into(),
                kind: DescriptionKind::Integer {
                    min: 0,
                    max: 255,
                    step: 1,
                },
                value: 128,
                inactive: false,
            },
            ControlDescription {
                id: 2,
                name: "Exposure Time, Absolute".into(),
                kind: DescriptionKind::Integer {
                    min: 3,
                    max: 2047,
                    step: 0,
                },
                value: 250,
                inactive: true,
            },
            ControlDescription {
                id: 3,
                name: "focus_automatic_continuous".into(),
                kind: DescriptionKind::Boolean,
                value: 1,
                inactive: false,
            },
            ControlDescription {
                id: 4,
                name: "focus_button".into(),
                kind: DescriptionKind::Other,
                value: 0,
                inactive: false,
            },
        ];
        let infos = offered(&descs);
        assert_eq!(infos.len(), 2);
        assert_eq!(infos[0].name, "Exposure Time, Absolute");
        assert!(!infos[0].active);
        assert_eq!(
            infos[0].kind,
            ControlKind::Range {
                min: 3,
                max: 2047,
                step: 1,
                value: 250
            }
        );
        assert_eq!(infos[1].kind, ControlKind::Toggle { value: true });
        assert!(infos[1].active);
        assert!(check_value(&infos[0], 2048).is_err());
        assert!(check_value(&infos[1], 2).is_err());
        assert!(inactive_reason(&infos[0].name).contains("while auto exposure is on"));
        assert!(inactive_reason("focus_absolute").contains("while autofocus is on"));
        assert_eq!(
            inactive_reason("White Balance Temperature"),
            "The camera ignores this in its present mode."
        );
    }
}
