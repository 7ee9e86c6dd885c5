//! The staff evaluated in a year as a table (issue 15, point 2): read from a CSV file (comma,
//! semicolon or tab, UTF-8) or the first sheet of an XLSX/ODS workbook, written as CSV with the
//! same columns (which is also the template to fill). Columns are found by their header (case,
//! accents and spaces ignored, in any order); docs/valutazione.md lists them. Every problem is
//! said with its row and column, in Italian; nothing is kept unless every row reads.
//!
//! Also any table as a one-sheet workbook (`table_xlsx`), for the payroll office's list.

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::Reader;
use domain::evaluation::staff::{ABSENCES, Absence, Gender, Member};
use domain::values::UnitId;
use rust_decimal::Decimal;

/// The columns, in the order the template writes them: header, and whether required.
pub const COLUMNS: [(&str, bool); 17] = [
    ("matricola", true),
    ("nome", true),
    ("genere", false),
    ("categoria", true),
    ("unità", true),
    ("dal", false),
    ("al", false),
    ("part-time", false),
    ("giorni di servizio", false),
    ("maternità", false),
    ("paternità", false),
    ("congedo parentale", false),
    ("malattia", false),
    ("aspettativa non retribuita", false),
    ("altre assenze", false),
    ("utente", false),
    ("responsabile pagamenti", false),
];

/// Files larger than this are refused before reading.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;

/// A header's key: lower case, accents and everything but letters and digits dropped.
fn key(text: &str) -> String {
    text.chars()
        .flat_map(domain::values::fold_accent)
        .flat_map(char::to_lowercase)
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// The staff of a file, in its order, or every problem found.
pub fn read_staff(bytes: &[u8]) -> Result<Vec<Member>, Vec<String>> {
    if bytes.len() > MAX_BYTES {
        return Err(vec!["Il file supera gli 8 MB.".into()]);
    }
    let rows = if bytes.starts_with(b"PK") {
        workbook_rows(bytes)?
    } else {
        csv_rows(bytes)?
    };
    members(&rows)
}

fn csv_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, Vec<String>> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| vec!["Il file non è testo UTF-8: salvarlo come «CSV UTF-8».".to_string()])?;
    let first = text.lines().next().unwrap_or_default();
    let delimiter = [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b';');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record =
            record.map_err(|e| vec![format!("Riga {}: il CSV non si legge ({e}).", i + 1)])?;
        rows.push(record.iter().map(|c| c.trim().to_owned()).collect());
    }
    Ok(rows)
}

fn workbook_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, Vec<String>> {
    if let Some(why) = crate::preflight::refusal(bytes) {
        return Err(vec![format!("Il file non si legge: {why}.")]);
    }
    let read = catch_unwind(AssertUnwindSafe(|| -> Result<Vec<Vec<String>>, String> {
        let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
            .map_err(|_| "non è un file XLSX o ODS integro".to_string())?;
        let names = book.sheet_names();
        let name = names.first().ok_or("non ha fogli")?.clone();
        let range = book
            .worksheet_range(&name)
            .map_err(|_| format!("il foglio «{name}» è danneggiato"))?;
        Ok(range
            .rows()
            .map(|r| {
                r.iter()
                    .map(|c| crate::read::text_of(c).unwrap_or_default())
                    .collect()
            })
            .collect())
    }));
    match read {
        Ok(Ok(rows)) => Ok(rows),
        Ok(Err(why)) => Err(vec![format!("Il file non si legge: {why}.")]),
        Err(_) => Err(vec!["Il file non si legge: è danneggiato.".into()]),
    }
}

/// Rows to people: the first non-empty row is the header.
fn members(rows: &[Vec<String>]) -> Result<Vec<Member>, Vec<String>> {
    let Some(h) = rows.iter().position(|r| r.iter().any(|c| !c.is_empty())) else {
        return Err(vec!["Il file è vuoto.".into()]);
    };
    let header: Vec<String> = rows[h].iter().map(|c| key(c)).collect();
    let at: Vec<Option<usize>> = COLUMNS
        .iter()
        .map(|(name, _)| header.iter().position(|c| *c == key(name)))
        .collect();
    let missing: Vec<&str> = COLUMNS
        .iter()
        .zip(&at)
        .filter(|((_, required), at)| *required && at.is_none())
        .map(|((name, _), _)| *name)
        .collect();
    if !missing.is_empty() {
        return Err(vec![format!(
            "Mancano le colonne {} (la prima riga dà i nomi delle colonne).",
            missing.join(", ")
        )]);
    }
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (i, row) in rows.iter().enumerate().skip(h + 1) {
        if row.iter().all(String::is_empty) {
            continue;
        }
        let line = i + 1;
        let cell = |c: usize| -> &str { at[c].and_then(|p| row.get(p)).map_or("", String::as_str) };
        let mut say = |column: usize, what: &str| {
            problems.push(format!(
                "Riga {line}, colonna «{}»: {what}.",
                COLUMNS[column].0
            ));
        };
        let days = |c: usize, say: &mut dyn FnMut(usize, &str)| -> Option<u32> {
            let t = cell(c);
            if t.is_empty() {
                return None;
            }
            t.parse::<u32>().ok().or_else(|| {
                say(c, "serve un numero intero di giorni");
                None
            })
        };
        let gender = Gender::read(cell(2)).unwrap_or_else(|| {
            say(2, "si scrive F, M o si lascia vuota");
            Gender::N
        });
        let unit = UnitId::parse(cell(4)).ok();
        if unit.is_none() {
            say(4, "serve il codice dell'unità nel piano");
        }
        let date = |c: usize, say: &mut dyn FnMut(usize, &str)| {
            let t = cell(c);
            if t.is_empty() {
                return None;
            }
            domain::limits::parse_date(t).or_else(|| {
                say(c, "la data si scrive gg/mm/aaaa");
                None
            })
        };
        let from = date(5, &mut say);
        let until = date(6, &mut say);
        let part_time = match cell(7) {
            "" => Decimal::ONE_HUNDRED,
            t => t
                .trim_end_matches('%')
                .trim()
                .replace(',', ".")
                .parse::<Decimal>()
                .unwrap_or_else(|_| {
                    say(7, "serve la percentuale del tempo pieno (100, 50…)");
                    Decimal::ONE_HUNDRED
                }),
        };
        let days_employed = days(8, &mut say);
        let mut absences = Vec::new();
        for (k, (kind, _)) in ABSENCES.iter().enumerate() {
            if let Some(d) = days(9 + k, &mut say).filter(|d| *d > 0) {
                absences.push(Absence {
                    kind: (*kind).to_owned(),
                    days: d,
                });
            }
        }
        let flag = match key(cell(16)).as_str() {
            "" | "no" | "n" | "0" | "falso" | "false" => false,
            "si" | "s" | "1" | "vero" | "true" | "x" => true,
            _ => {
                say(16, "si scrive sì o no");
                false
            }
        };
        let Some(unit) = unit else { continue };
        out.push(Member {
            matricola: cell(0).to_owned(),
            name: cell(1).to_owned(),
            gender,
            cluster: key(cell(3)).replace("operatoreesperto", "operatore_esperto"),
            unit,
            from,
            until,
            part_time,
            days_employed,
            absences,
            username: Some(cell(15).to_owned()).filter(|u| !u.is_empty()),
            responsabile_pagamenti: flag,
            payment_times_met: None,
        });
        if problems.len() > 50 {
            break;
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// The staff as CSV (semicolons, as Italian spreadsheets open it), with the columns `read_staff`
/// reads; none: the template with its header only.
pub fn staff_csv(members: &[Member]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let header: Vec<&str> = COLUMNS.iter().map(|(n, _)| *n).collect();
    let mut rows = vec![header.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>()];
    for m in members {
        let date = |d: Option<chrono::NaiveDate>| {
            d.map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default()
        };
        let mut row = vec![
            m.matricola.clone(),
            m.name.clone(),
            match m.gender {
                Gender::F => "F".into(),
                Gender::M => "M".into(),
                Gender::N => String::new(),
            },
            m.cluster.clone(),
            m.unit.to_string(),
            date(m.from),
            date(m.until),
            m.part_time.normalize().to_string(),
            m.days_employed.map(|d| d.to_string()).unwrap_or_default(),
        ];
        for (kind, _) in ABSENCES {
            let d = m.absent(kind);
            row.push(if d > 0 { d.to_string() } else { String::new() });
        }
        row.push(m.username.clone().unwrap_or_default());
        row.push(
            if m.responsabile_pagamenti {
                "sì"
            } else {
                "no"
            }
            .into(),
        );
        rows.push(row);
    }
    for r in rows {
        // Writing to a Vec cannot fail.
        let _ = w.write_record(&r);
    }
    w.into_inner().unwrap_or_default()
}

/// A cell of a table written out.
#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    /// Cents, written as euros with two decimals.
    Cents(i64),
    Number(Decimal),
}

/// A table as CSV (semicolons; euros with a comma, as Italian spreadsheets read them).
pub fn table_csv(header: &[&str], rows: &[Vec<Cell>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let _ = w.write_record(header);
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .map(|c| match c {
                Cell::Text(t) => t.clone(),
                Cell::Cents(c) => euros(*c).replace('.', ","),
                Cell::Number(n) => n.normalize().to_string().replace('.', ","),
            })
            .collect();
        let _ = w.write_record(&cells);
    }
    w.into_inner().unwrap_or_default()
}

fn euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{}.{:02}", c / 100, c % 100)
}

/// A table as a one-sheet XLSX workbook, its header frozen; euros as numbers in the euro
/// format.
pub fn table_xlsx(
    sheet: &str,
    header: &[&str],
    rows: &[Vec<Cell>],
) -> Result<Vec<u8>, crate::WriteError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet)?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00 [$€-410]");
    for (c, h) in header.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        ws.write_string_with_format(0, c, *h, &bold)?;
        ws.set_column_width(c, 18)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            match cell {
                Cell::Text(t) => {
                    ws.write_string(r, c, t)?;
                }
                Cell::Cents(cents) => {
                    // Euros to the cent: exact in a double up to 2^53 cents.
                    let value = rust_decimal::prelude::ToPrimitive::to_f64(
                        &(Decimal::from(*cents) / Decimal::ONE_HUNDRED),
                    )
                    .unwrap_or(0.0);
                    ws.write_number_with_format(r, c, value, &money)?;
                }
                Cell::Number(n) => {
                    let value = rust_decimal::prelude::ToPrimitive::to_f64(n).unwrap_or(0.0);
                    ws.write_number(r, c, value)?;
                }
            }
        }
    }
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_reads_by_its_headers_in_any_order_and_round_trips() {
        let csv = "Nome;Matricola;Categoria;Unità;Genere;Part-time;Malattia;Congedo parentale;Responsabile pagamenti\n\
                   Anna Neri;A1;Istruttore;servizi;F;50;3;20;no\n\
                   Bruno Bianchi;B2;operatore esperto;tributi;m;;;;\n";
        let people = read_staff(csv.as_bytes()).unwrap();
        assert_eq!(people.len(), 2);
        assert_eq!(people[0].matricola, "A1");
        assert_eq!(people[0].cluster, "istruttore");
        assert_eq!(people[0].part_time, Decimal::from(50));
        assert_eq!(people[0].absent("sickness"), 3);
        assert_eq!(people[0].absent("parental"), 20);
        assert_eq!(people[1].cluster, "operatore_esperto");
        assert_eq!(people[1].gender, Gender::M);
        assert_eq!(people[1].part_time, Decimal::ONE_HUNDRED);
        let again = read_staff(&staff_csv(&people)).unwrap();
        assert_eq!(again, people);
    }

    #[test]
    fn problems_are_said_with_their_row_and_column() {
        let csv = "matricola,nome,categoria,unità,giorni di servizio,dal\nA1,Anna,istruttore,servizi,tanti,32/01/2025\n";
        let found = read_staff(csv.as_bytes()).unwrap_err();
        assert!(
            found
                .iter()
                .any(|p| p.contains("Riga 2, colonna «giorni di servizio»")),
            "{found:?}"
        );
        assert!(
            found.iter().any(|p| p.contains("colonna «dal»")),
            "{found:?}"
        );
        let missing = read_staff(b"matricola;nome\nA1;Anna\n").unwrap_err();
        assert!(missing[0].contains("categoria, unità"), "{missing:?}");
        assert!(read_staff(b"").is_err());
        assert!(read_staff(b"\xff\xfe").is_err());
        assert!(read_staff(b"PK\x03\x04 broken").is_err());
    }

    #[test]
    fn the_first_sheet_of_a_workbook_reads_as_a_csv_does() {
        let rows = vec![vec![
            Cell::Text("A1".into()),
            Cell::Text("Anna Neri".into()),
            Cell::Text("istruttore".into()),
            Cell::Text("servizi".into()),
            Cell::Number(Decimal::from(200)),
        ]];
        let bytes = table_xlsx(
            "Personale",
            &[
                "matricola",
                "nome",
                "categoria",
                "unità",
                "giorni di servizio",
            ],
            &rows,
        )
        .unwrap();
        let people = read_staff(&bytes).unwrap();
        assert_eq!(people.len(), 1);
        assert_eq!(people[0].days_employed, Some(200));
    }

    #[test]
    fn tables_write_euros_to_the_cent() {
        let csv = String::from_utf8(table_csv(
            &["matricola", "importo"],
            &[
                vec![Cell::Text("A1".into()), Cell::Cents(422_222)],
                vec![Cell::Text("B".into()), Cell::Cents(5)],
            ],
        ))
        .unwrap();
        assert_eq!(csv, "matricola;importo\nA1;4222,22\nB;0,05\n");
    }
}
