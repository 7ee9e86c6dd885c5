//! The organisation as the document describes it: unit sections with their heads and
//! MACROFUNZIONI, the staff table, the codifica table and the areas of the macro-structure.

use domain::{Head, Responsible};

use crate::card::is_person_line;
use crate::names::opens_unit_name;
use crate::text::{Line, clean, collapse, contains_word, is_bullet, is_upper, key, strip_bullet};

patterns! {
    AREA_LINE = r"^\s*(AREA(?:\s+[\p{Lu}'’]+)+)\s*:?\s*$";
    COUNT = r"^[0-9]{1,3}(?:[.\s][0-9]{3})*$";
}

/// A name without the footnote mark that ends it: `(*)`, `(**)`, `(°)`, 1-4 characters that
/// are neither letters, digits nor `)` between parentheses (scanned by hand: as a regular
/// expression, the repeated class cost more to compile than the whole staff table to read).
fn without_footnote(name: &str) -> &str {
    let trimmed = name.trim_end();
    let Some(body) = trimmed.strip_suffix(')') else {
        return name;
    };
    let mut open = None;
    for (count, (at, c)) in body.char_indices().rev().enumerate().take(5) {
        // The leftmost `(` with 1-4 marks after it wins, as it would in a search.
        if c == '(' && count >= 1 {
            open = Some(at);
        }
        if c.is_alphanumeric() || c == ')' {
            break;
        }
    }
    open.map_or(name, |at| &name[..at])
}

/// A unit section of the PEG ("PIANO ESECUTIVO DI GESTIONE" page), as its header gives it.
#[derive(Debug)]
pub struct Section {
    pub unit_name: Option<String>,
    pub heads: Vec<Head>,
    pub functions: Vec<String>,
}

/// Whether a line opens a unit section of the PEG.
pub fn is_section_start(line: &Line) -> bool {
    if line.text.len() > 80 || !contains_word(line.text, "piano") {
        return false;
    }
    let k = key(line.text);
    k == "piano esecutivo di gestione" || k == "piano dettagliato degli obiettivi"
}

/// Reads a section's header and MACROFUNZIONI from its lines (start line excluded).
pub fn parse_section(lines: &[Line], banner: &str) -> Section {
    let mut unit_parts: Vec<String> = Vec::new();
    let mut heads = Vec::new();
    for line in lines {
        let raw = line.trimmed();
        if raw.is_empty() || (raw.starts_with('(') && raw.ends_with(')')) {
            continue;
        }
        let text = collapse(&clean(raw));
        if raw.starts_with("**")
            || key(&text).contains("macrofunzioni")
            || key(&text) == banner
            || is_upper(&text)
        {
            break;
        }
        if is_person_line(&text) && !opens_unit_name(&text) {
            heads.push(Head {
                name: text,
                role: None,
                from: None,
                until: None,
            });
        } else if opens_unit_name(&text) || !unit_parts.is_empty() {
            unit_parts.push(text);
        } else {
            heads.push(Head {
                name: text,
                role: None,
                from: None,
                until: None,
            });
        }
    }
    Section {
        unit_name: (!unit_parts.is_empty()).then(|| collapse(&unit_parts.join(" "))),
        heads,
        functions: functions(lines),
    }
}

/// The bullets after the first MACROFUNZIONI heading, each without its bullet.
fn functions(lines: &[Line]) -> Vec<String> {
    let Some(at) = lines
        .iter()
        .position(|l| contains_word(l.text, "macrofunzioni"))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for line in &lines[at + 1..] {
        if line.is_blank() {
            continue;
        }
        if !is_bullet(line.text) {
            break;
        }
        let item = clean(strip_bullet(line.trimmed()));
        if !item.is_empty() {
            out.push(item);
        }
    }
    out
}

/// A row of the staff table: unit name as written there and headcount.
#[derive(Debug)]
pub struct StaffRow {
    pub name: String,
    pub count: u32,
    pub line: usize,
}

/// The table "Settore/Servizio … \t N° dipendenti", up to its total row.
pub fn staff_table(lines: &[Line]) -> Vec<StaffRow> {
    let Some(start) = lines.iter().position(|l| {
        let cells = l.cells();
        cells.len() == 2 && key(cells[1]).contains("dipendenti") && !key(cells[0]).is_empty()
    }) else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    for line in &lines[start + 1..] {
        if line.is_blank() {
            if rows.is_empty() {
                continue;
            }
            break;
        }
        let cells = line.cells();
        let (Some(name), Some(count)) = (cells.first(), cells.get(1)) else {
            break;
        };
        if key(name).starts_with("totale") || !COUNT.is_match(count) {
            break;
        }
        let count = count
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap_or(0);
        rows.push(StaffRow {
            name: without_footnote(name).trim().to_string(),
            count,
            line: line.no,
        });
    }
    rows
}

/// Where the codifica table starts (its header line), if the document has one.
pub fn codifica_start(lines: &[Line]) -> Option<usize> {
    lines.iter().position(|l| {
        let cells = l.cells();
        cells.len() >= 2
            && cells[0].len() <= 12
            && matches!(key(cells[0]).as_str(), "codifica" | "codice" | "codici")
    })
}

/// The table "codifica \t Elenco Responsabili": code and the role it names.
pub fn codifica(lines: &[Line]) -> Vec<Responsible> {
    let Some(start) = codifica_start(lines) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for line in &lines[start + 1..] {
        if line.is_blank() {
            continue;
        }
        let cells = line.cells();
        match (cells.first(), cells.get(1)) {
            (Some(code), Some(title)) if is_code(code) && !title.is_empty() => {
                out.push(Responsible {
                    code: code.to_string(),
                    title: collapse(title),
                });
            }
            _ => break,
        }
    }
    out
}

fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 12
        && s.starts_with(|c: char| c.is_ascii_digit())
        && !s.contains(' ')
}

/// The areas of the macro-structure list: `AREA TECNICA :` followed by its units' bullets.
/// Returns (area name, member name) pairs.
pub fn area_members(lines: &[Line]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(area) = AREA_LINE.captures(lines[i].text).and_then(|c| c.get(1)) else {
            i += 1;
            continue;
        };
        let area = collapse(area.as_str());
        let mut j = i + 1;
        let mut found = false;
        while j < lines.len() {
            let l = &lines[j];
            if l.is_blank() {
                j += 1;
                continue;
            }
            if !is_bullet(l.text) {
                break;
            }
            let member = clean(strip_bullet(l.trimmed()))
                .trim_end_matches([';', '.', ','])
                .trim()
                .to_string();
            if opens_unit_name(&member) {
                out.push((area.clone(), member));
                found = true;
            }
            j += 1;
        }
        i = if found { j } else { i + 1 };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::lines;

    patterns! {
        FOOTNOTE = r"\s*\([^\p{L}\p{N})]{1,4}\)\s*$";
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The scanner removes what the regular expression it replaced removed.
        #[test]
        fn footnotes_go_as_the_regular_expression_found_them(
            name in "[A-Za(*)°è1 \t]{0,12}"
        ) {
            let by_regex = FOOTNOTE.replace(&name, "");
            proptest::prop_assert_eq!(without_footnote(&name).trim(), by_regex.trim());
        }
    }

    #[test]
    fn footnote_marks_leave_names() {
        assert_eq!(without_footnote("Polizia Locale (*)"), "Polizia Locale ");
        assert_eq!(without_footnote("Servizi ((°) "), "Servizi ");
        assert_eq!(without_footnote("Servizi (*****)"), "Servizi (*****)");
        assert_eq!(without_footnote("Servizi (a)"), "Servizi (a)");
        assert_eq!(without_footnote("Servizi ()"), "Servizi ()");
    }

    #[test]
    fn sections_read_head_unit_and_functions() {
        let src = "PIANO ESECUTIVO DI GESTIONE\n\n (OBIETTIVI 2021)\n\nDott. Mario Rossi\n\nSettore Lavori Pubblici, Infrastrutture e\n\nSmart City\n\n**SETTORE LAVORI PUBBLICI\nMACROFUNZIONI**\n\n- Energy Manager\n- Verde pubblico\n\nCittà di X\n";
        let ls = lines(src);
        let s = parse_section(&ls[1..], "citta di x");
        assert_eq!(
            s.unit_name.as_deref(),
            Some("Settore Lavori Pubblici, Infrastrutture e Smart City")
        );
        assert_eq!(s.heads[0].name, "Dott. Mario Rossi");
        assert_eq!(s.functions, ["Energy Manager", "Verde pubblico"]);
    }

    #[test]
    fn tables_of_staff_codes_and_areas() {
        let src = "Settore/Servizio Autonomo\tN° dipendenti\nPolizia Locale\t81\nLL.PP. (*)\t63\nTotale\t144\n\ncodifica\tElenco\n2269\tRESPONSABILE A\n\n2245\tSEGRETARIO\nfine\n\nAREA TECNICA :\n\n- Settore lavori pubblici;\n- Settore Urbanistica.\n";
        let ls = lines(src);
        let staff = staff_table(&ls);
        assert_eq!(
            staff
                .iter()
                .map(|r| (r.name.as_str(), r.count))
                .collect::<Vec<_>>(),
            [("Polizia Locale", 81), ("LL.PP.", 63)]
        );
        let codes = codifica(&ls);
        assert_eq!(
            codes.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
            ["2269", "2245"]
        );
        let areas = area_members(&ls);
        assert_eq!(
            areas,
            [
                (
                    "AREA TECNICA".to_string(),
                    "Settore lavori pubblici".to_string()
                ),
                (
                    "AREA TECNICA".to_string(),
                    "Settore Urbanistica".to_string()
                )
            ]
        );
    }
}
