//! Generated people: names, NIPs, grades and positions that fit each other and the unit.
//!
//! Every draw comes from [`Rng`], seeded from the `--seed`, so the same seed gives the same
//! people in the same order.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::catalog::{FEMALE_NAMES, FEMALE_SECOND_NAMES, MALE_NAMES, Profile, SECOND_NAMES};
use crate::asn::model::{EmploymentType, Gender};
use crate::asn::nip;
use crate::error::{AppError, AppResult};

/// SplitMix64: a small, well-mixed deterministic generator (no dependency needed).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed` and a stream name, so that adding draws to one part of the data
    /// does not shift another.
    pub fn new(seed: u64, stream: &str) -> Self {
        let mut state = seed ^ 0x9E37_79B9_7F4A_7C15;
        for byte in stream.bytes() {
            state = (state ^ u64::from(byte)).wrapping_mul(0x100_0000_01B3);
        }
        Self(state)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = u64::try_from(hi - lo + 1).unwrap_or(1).max(1);
        lo + i64::try_from(self.next_u64() % span).unwrap_or(0)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let len = u64::try_from(items.len()).unwrap_or(1).max(1);
        &items[usize::try_from(self.next_u64() % len).unwrap_or(0)]
    }
}

/// Career level, which decides grade, age and title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Jabatan Pimpinan Tinggi Pratama (head of an OPD).
    Jpt,
    /// Administrator (sekretaris, kepala bidang, camat).
    Administrator,
    /// Pengawas (kepala subbagian/seksi, lurah, kepala UPT).
    Pengawas,
    /// Fungsional keahlian, Ahli Madya.
    AhliMadya,
    /// Fungsional keahlian, Ahli Muda.
    AhliMuda,
    /// Fungsional keahlian, Ahli Pertama.
    AhliPertama,
    /// Fungsional keterampilan, Mahir.
    Mahir,
    /// Fungsional keterampilan, Terampil.
    Terampil,
    /// Pelaksana.
    Pelaksana,
}

impl Level {
    /// The jenjang appended to a functional title.
    fn jenjang(self) -> &'static str {
        match self {
            Level::AhliMadya => " Ahli Madya",
            Level::AhliMuda => " Ahli Muda",
            Level::AhliPertama => " Ahli Pertama",
            Level::Mahir => " Mahir",
            Level::Terampil => " Terampil",
            _ => "",
        }
    }

    /// PNS golongan/ruang range (inclusive) for the level.
    fn pns_grades(self) -> &'static [&'static str] {
        match self {
            Level::Jpt => &["IV/b", "IV/c", "IV/d"],
            Level::Administrator => &["IV/a", "IV/b"],
            Level::Pengawas => &["III/c", "III/d", "IV/a"],
            Level::AhliMadya => &["IV/a", "IV/b", "IV/c"],
            Level::AhliMuda => &["III/c", "III/d"],
            Level::AhliPertama => &["III/a", "III/b"],
            Level::Mahir => &["III/a", "III/b"],
            Level::Terampil => &["II/b", "II/c", "II/d"],
            Level::Pelaksana => &["II/a", "II/b", "II/c", "II/d", "III/a", "III/b"],
        }
    }

    /// PPPK golongan for the level.
    fn pppk_grade(self) -> &'static str {
        match self {
            Level::AhliMadya => "XI",
            Level::AhliMuda => "X",
            Level::AhliPertama => "IX",
            Level::Mahir | Level::Terampil => "VII",
            _ => "V",
        }
    }

    /// Birth years (inclusive) plausible for the level in 2026.
    fn birth_years(self) -> (i64, i64) {
        match self {
            Level::Jpt => (1968, 1978),
            Level::Administrator => (1970, 1984),
            Level::Pengawas | Level::AhliMadya => (1972, 1988),
            Level::AhliMuda | Level::Mahir => (1978, 1992),
            _ => (1970, 2002),
        }
    }
}

/// A functional or pelaksana position a profile employs: title stem, levels, weight.
type PositionChoice = (&'static str, &'static [Level], u64);

const AHLI: &[Level] = &[Level::AhliPertama, Level::AhliMuda, Level::AhliMadya];
const AHLI_JUNIOR: &[Level] = &[Level::AhliPertama, Level::AhliMuda];
const TERAMPIL: &[Level] = &[Level::Terampil, Level::Mahir];
const PELAKSANA: &[Level] = &[Level::Pelaksana];

fn positions(profile: Profile) -> &'static [PositionChoice] {
    match profile {
        Profile::Health => &[
            ("Perawat", AHLI_JUNIOR, 14),
            ("Perawat", TERAMPIL, 14),
            ("Bidan", TERAMPIL, 10),
            ("Bidan", AHLI_JUNIOR, 4),
            ("Dokter", AHLI, 7),
            ("Dokter Gigi", AHLI_JUNIOR, 2),
            ("Apoteker", AHLI_JUNIOR, 2),
            ("Asisten Apoteker", TERAMPIL, 3),
            ("Pranata Laboratorium Kesehatan", TERAMPIL, 3),
            ("Nutrisionis", TERAMPIL, 2),
            ("Sanitarian", TERAMPIL, 2),
            ("Penyuluh Kesehatan Masyarakat", AHLI_JUNIOR, 2),
            ("Perekam Medis", TERAMPIL, 3),
            ("Pengadministrasi Perkantoran", PELAKSANA, 5),
        ],
        Profile::School => &[
            ("Guru", AHLI, 30),
            ("Pustakawan", TERAMPIL, 1),
            ("Pengadministrasi Perkantoran", PELAKSANA, 3),
        ],
        Profile::Audit => &[
            ("Auditor", AHLI, 10),
            (
                "Pengawas Penyelenggaraan Urusan Pemerintahan di Daerah",
                AHLI,
                5,
            ),
            ("Penata Layanan Operasional", PELAKSANA, 2),
        ],
        Profile::Field => &[
            ("Polisi Pamong Praja", TERAMPIL, 12),
            ("Polisi Pamong Praja", AHLI_JUNIOR, 3),
            ("Analis Bencana", AHLI_JUNIOR, 2),
            ("Pengelola Layanan Operasional", PELAKSANA, 6),
        ],
        Profile::Region => &[
            ("Penata Layanan Operasional", PELAKSANA, 8),
            ("Pengadministrasi Perkantoran", PELAKSANA, 6),
            ("Pengolah Data dan Informasi", PELAKSANA, 4),
            ("Analis Kebijakan", AHLI_JUNIOR, 2),
        ],
        Profile::Office => &[
            ("Analis Kebijakan", AHLI, 6),
            ("Perencana", AHLI_JUNIOR, 4),
            ("Pranata Komputer", AHLI_JUNIOR, 3),
            ("Pranata Komputer", TERAMPIL, 2),
            ("Arsiparis", TERAMPIL, 2),
            ("Analis Sumber Daya Manusia Aparatur", AHLI_JUNIOR, 2),
            ("Analis Keuangan Pusat dan Daerah", AHLI_JUNIOR, 3),
            ("Pengelola Pengadaan Barang/Jasa", AHLI_JUNIOR, 1),
            ("Pranata Hubungan Masyarakat", AHLI_JUNIOR, 1),
            ("Penata Layanan Operasional", PELAKSANA, 8),
            ("Pengadministrasi Perkantoran", PELAKSANA, 7),
            ("Pengolah Data dan Informasi", PELAKSANA, 5),
        ],
    }
}

/// One generated person before ids are assigned.
#[derive(Debug, Clone)]
pub struct Person {
    /// NIP (validated).
    pub nip: String,
    /// Name with titles.
    pub name: String,
    /// `MALE` or `FEMALE`.
    pub gender: &'static str,
    /// `PNS`, `PPPK` or `PPPK_PARUH_WAKTU`.
    pub employment_type: &'static str,
    /// Grade code.
    pub grade: String,
    /// Position title.
    pub position: String,
    /// Position kind.
    pub position_kind: &'static str,
}

/// Makes people and keeps every NIP unique (the sequence counts up on a collision of the first
/// 15 digits, as BKN assigns it).
pub struct People {
    rng: Rng,
    sequences: HashMap<String, u32>,
    today: NaiveDate,
}

impl People {
    /// A generator for `seed`; `reserved` NIPs (the personas) are never produced again.
    pub fn new(seed: u64, today: NaiveDate, reserved: &[&str]) -> Self {
        let mut sequences = HashMap::new();
        for nip in reserved {
            let (prefix, sequence) = nip.split_at(15);
            let sequence = sequence.parse().unwrap_or(0);
            let entry = sequences.entry(prefix.to_owned()).or_insert(0);
            *entry = (*entry).max(sequence);
        }
        Self {
            rng: Rng::new(seed, "people"),
            sequences,
            today,
        }
    }

    /// A unit head: a PNS at `level` with the given title.
    pub fn head(&mut self, level: Level, position: String, profile: Profile) -> AppResult<Person> {
        let kind = match level {
            Level::Jpt => "JPT",
            Level::Administrator => "ADMINISTRATOR",
            Level::Pengawas => "PENGAWAS",
            _ => "FUNGSIONAL",
        };
        self.person(level, "PNS", position, kind, profile)
    }

    /// A member of staff of a unit with `profile`.
    pub fn staff(&mut self, profile: Profile) -> AppResult<Person> {
        let choices = positions(profile);
        let total: u64 = choices.iter().map(|c| c.2).sum();
        let mut roll = self.rng.next_u64() % total.max(1);
        let mut chosen = &choices[0];
        for choice in choices {
            if roll < choice.2 {
                chosen = choice;
                break;
            }
            roll -= choice.2;
        }
        let level = *self.rng.pick(chosen.1);
        let employment = match (level, self.rng.range(0, 99)) {
            (Level::Pelaksana, 0..=59) => "PNS",
            (Level::Pelaksana, 60..=79) => "PPPK",
            (Level::Pelaksana, _) => "PPPK_PARUH_WAKTU",
            (Level::AhliMadya, _) => "PNS",
            (_, 0..=77) => "PNS",
            _ => "PPPK",
        };
        let (position, kind) = if employment == "PPPK_PARUH_WAKTU" {
            let title = *self
                .rng
                .pick(&["Operator Layanan Operasional", "Pengelola Umum Operasional"]);
            (title.to_owned(), "PELAKSANA")
        } else if level == Level::Pelaksana {
            (chosen.0.to_owned(), "PELAKSANA")
        } else {
            (format!("{}{}", chosen.0, level.jenjang()), "FUNGSIONAL")
        };
        self.person(level, employment, position, kind, profile)
    }

    fn person(
        &mut self,
        level: Level,
        employment: &'static str,
        position: String,
        position_kind: &'static str,
        profile: Profile,
    ) -> AppResult<Person> {
        let female = self
            .rng
            .chance(if profile == Profile::Health { 70 } else { 48 });
        let gender = if female { "FEMALE" } else { "MALE" };
        let (lo, hi) = level.birth_years();
        let birth_year = self.rng.range(lo, hi);
        let birth = NaiveDate::from_ymd_opt(
            i32::try_from(birth_year).unwrap_or(1980),
            u32::try_from(self.rng.range(1, 12)).unwrap_or(1),
            u32::try_from(self.rng.range(1, 28)).unwrap_or(1),
        )
        .ok_or_else(|| AppError::internal("city seed: bad birth date"))?;
        let middle = match employment {
            "PNS" => {
                let year = (birth_year + self.rng.range(22, 30)).min(2025);
                format!("{year}{:02}", self.rng.range(1, 12))
            }
            "PPPK" => format!("{}21", self.rng.range(2021, 2025).max(birth_year + 19)),
            _ => "202524".to_owned(),
        };
        let prefix = format!(
            "{}{middle}{}",
            birth.format("%Y%m%d"),
            if female { 2 } else { 1 }
        );
        let sequence = self.sequences.entry(prefix.clone()).or_insert(0);
        *sequence += 1;
        let nip = format!("{prefix}{:03}", *sequence);
        let employment_type = crate::db::text_enum::from_name::<EmploymentType>(employment)
            .ok_or_else(|| AppError::internal("city seed: employment type"))?;
        let gender_enum = if female { Gender::Female } else { Gender::Male };
        nip::validate(&nip, employment_type, gender_enum, self.today)?;
        let grade = if employment == "PNS" {
            (*self.rng.pick(level.pns_grades())).to_owned()
        } else if employment == "PPPK_PARUH_WAKTU" {
            (*self.rng.pick(&["IV", "V"])).to_owned()
        } else {
            level.pppk_grade().to_owned()
        };
        let name = self.name(female, level, &position, profile);
        Ok(Person {
            nip,
            name,
            gender,
            employment_type: employment,
            grade,
            position,
            position_kind,
        })
    }

    fn name(&mut self, female: bool, level: Level, position: &str, profile: Profile) -> String {
        let (first, last) = if female {
            (
                *self.rng.pick(FEMALE_NAMES),
                *self.rng.pick(FEMALE_SECOND_NAMES),
            )
        } else {
            (*self.rng.pick(MALE_NAMES), *self.rng.pick(SECOND_NAMES))
        };
        let base = if first == last {
            first.to_owned()
        } else {
            format!("{first} {last}")
        };
        let degree = match (profile, level) {
            (_, Level::Pelaksana) => return base,
            (_, Level::Terampil | Level::Mahir) if profile == Profile::Health => "A.Md.Kes",
            (_, Level::Terampil | Level::Mahir) => "A.Md",
            (Profile::Health, _) if position.starts_with("Dokter Gigi") => {
                return format!("drg. {base}");
            }
            (Profile::Health, _) if position.starts_with("Dokter") => return format!("dr. {base}"),
            (Profile::Health, _) if position.starts_with("Perawat") => "S.Kep",
            (Profile::Health, _) => "S.KM",
            (Profile::School, _) => "S.Pd",
            (Profile::Audit, _) => "S.E., M.Ak",
            _ => *self
                .rng
                .pick(&["S.E.", "S.H.", "S.Sos", "S.Kom", "S.T.", "S.AP", "S.IP"]),
        };
        match level {
            Level::Jpt | Level::Administrator => format!("{base}, {degree}, M.Si"),
            _ => format!("{base}, {degree}"),
        }
    }
}
