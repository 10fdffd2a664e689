//! Demo data for `kinerja seed demo`: a small, deterministic slice of Pemerintah Kota Dumai.
//!
//! The slice holds the root (Pemerintah Kota Dumai), the Sekretariat Daerah (Bagian Organisasi),
//! BKPSDM (two bidang), the Inspektorat Daerah, Bappeda (Bidang Penelitian dan Pengembangan), the
//! Dinas Kesehatan (its Sekretariat and Subbagian Umum dan Kepegawaian, one bidang, Puskesmas Dumai
//! Kota and Puskesmas Bukit Kapur), the Dinas Pendidikan dan Kebudayaan (one bidang and SD Negeri
//! 001 Dumai Kota) and Kecamatan Dumai Kota with three of its kelurahan (Laksamana, Sukajadi and
//! Rimba Sekampung, all in the working area of Puskesmas Dumai Kota).
//!
//! Everything here is a constant: the same rows, in the same order, on every run. Names are
//! invented; every NIP follows the PNS / NI PPPK layout (birth date, TMT or appointment year, gender
//! digit, sequence) and belongs to no real person. Units are listed parents first and ASN
//! supervisors first, so rows can be inserted in order.
//!
//! Seven personas (see [`personas`]) are fixed because the README and the tests rely on them:
//! the Kepala BKPSDM (ADMIN), the Kepala Dinas Kesehatan, the Kepala Puskesmas Dumai Kota, a nurse
//! of that Puskesmas, an auditor of the Inspektorat (INSPECTOR), an analyst of Bappeda (ANALYST)
//! and a teacher of SD Negeri 001 Dumai Kota. The auditor, the analyst and the teacher deliberately
//! have no atasan langsung (although their units have heads), so that tests can tell access
//! granted by a role from access granted by the supervisor chain.

/// One unit kerja. Parents come before their children.
pub struct UnitRow {
    /// Unique code, matching `^[A-Z0-9][A-Z0-9._-]{0,63}$`.
    pub code: &'static str,
    /// Official name.
    pub name: &'static str,
    /// Unit kind (`PEMERINTAH_DAERAH`, `DINAS`, `PUSKESMAS`, …).
    pub kind: &'static str,
    /// Code of the parent unit; `None` only for the root.
    pub parent: Option<&'static str>,
}

/// One ASN. Supervisors come before their subordinates.
pub struct AsnRow {
    /// 18-digit NIP (PNS) or NI PPPK.
    pub nip: &'static str,
    /// Full name with academic titles.
    pub name: &'static str,
    /// `MALE` or `FEMALE`.
    pub gender: &'static str,
    /// `PNS`, `PPPK` or `PPPK_PARUH_WAKTU`.
    pub employment_type: &'static str,
    /// Golongan/ruang (`III/b`) for PNS, golongan (`IX`) for PPPK.
    pub grade: &'static str,
    /// Jabatan title.
    pub position: &'static str,
    /// `JPT`, `ADMINISTRATOR`, `PENGAWAS`, `FUNGSIONAL` or `PELAKSANA`.
    pub position_kind: &'static str,
    /// Code of the unit the ASN works in.
    pub unit: &'static str,
    /// NIP of the atasan langsung, if any.
    pub supervisor: Option<&'static str>,
    /// Code of the unit this ASN leads, if any.
    pub heads: Option<&'static str>,
}

/// A role granted to an ASN. `unit` is set for `UNIT_ADMIN` only.
pub struct RoleRow {
    /// NIP of the ASN holding the role.
    pub nip: &'static str,
    /// `INSPECTOR`, `UNIT_ADMIN`, `ADMIN` or `ANALYST`.
    pub role: &'static str,
    /// Scope of a `UNIT_ADMIN` (the unit and its sub-units); `None` for the other roles.
    pub unit: Option<&'static str>,
}

/// The personas every README and test relies on (NIP, short description).
pub mod personas {
    /// Kepala BKPSDM, H. Muhammad Fadli; role ADMIN; no supervisor.
    pub const ADMIN: &str = "197501012000031001";
    /// Kepala Dinas Kesehatan, dr. H. Syamsul Bahri; no role; no supervisor.
    pub const KEPALA_DINKES: &str = "197203151998031002";
    /// Kepala Puskesmas Dumai Kota, dr. Rina Marlina; supervisor: [`KEPALA_DINKES`].
    pub const KEPALA_PUSKESMAS: &str = "198004102005012003";
    /// Perawat Ahli Pertama at Puskesmas Dumai Kota, Ns. Sari Wahyuni (PNS); supervisor:
    /// [`KEPALA_PUSKESMAS`].
    pub const PERAWAT: &str = "199207242019032004";
    /// Auditor Ahli Muda at the Inspektorat, Hendra Saputra; role INSPECTOR; no supervisor.
    pub const AUDITOR: &str = "198511202010011005";
    /// Analis Kebijakan Ahli Muda at Bappeda, Dimas Pratama; role ANALYST; no supervisor.
    pub const ANALIS: &str = "199001012015031006";
    /// Guru Ahli Pertama at SD Negeri 001 Dumai Kota (Dinas Pendidikan dan Kebudayaan), Nurul
    /// Hidayah; no role; no supervisor.
    pub const GURU: &str = "199503032020122007";
}

const fn unit(
    code: &'static str,
    name: &'static str,
    kind: &'static str,
    parent: Option<&'static str>,
) -> UnitRow {
    UnitRow {
        code,
        name,
        kind,
        parent,
    }
}

/// The unit tree, parents first.
pub static UNITS: &[UnitRow] = &[
    unit("DUMAI", "Pemerintah Kota Dumai", "PEMERINTAH_DAERAH", None),
    // Sekretariat Daerah
    unit(
        "SETDA",
        "Sekretariat Daerah Kota Dumai",
        "SEKRETARIAT_DAERAH",
        Some("DUMAI"),
    ),
    unit(
        "SETDA.ORGANISASI",
        "Bagian Organisasi",
        "BAGIAN",
        Some("SETDA"),
    ),
    // BKPSDM
    unit(
        "BKPSDM",
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        "BADAN",
        Some("DUMAI"),
    ),
    unit(
        "BKPSDM.MUTASI",
        "Bidang Mutasi dan Promosi",
        "BIDANG",
        Some("BKPSDM"),
    ),
    unit(
        "BKPSDM.PKA",
        "Bidang Penilaian Kinerja Aparatur dan Penghargaan",
        "BIDANG",
        Some("BKPSDM"),
    ),
    // Inspektorat
    unit(
        "INSPEKTORAT",
        "Inspektorat Daerah",
        "INSPEKTORAT",
        Some("DUMAI"),
    ),
    // Bappeda
    unit(
        "BAPPEDA",
        "Badan Perencanaan Pembangunan Daerah, Penelitian dan Pengembangan",
        "BADAN",
        Some("DUMAI"),
    ),
    unit(
        "BAPPEDA.LITBANG",
        "Bidang Penelitian dan Pengembangan",
        "BIDANG",
        Some("BAPPEDA"),
    ),
    // Dinas Kesehatan
    unit("DINKES", "Dinas Kesehatan", "DINAS", Some("DUMAI")),
    unit(
        "DINKES.SEKRETARIAT",
        "Sekretariat Dinas Kesehatan",
        "BAGIAN",
        Some("DINKES"),
    ),
    unit(
        "DINKES.SEKRETARIAT.UMUM",
        "Subbagian Umum dan Kepegawaian",
        "SUBBAGIAN",
        Some("DINKES.SEKRETARIAT"),
    ),
    unit(
        "DINKES.YANKES",
        "Bidang Pelayanan dan Sumber Daya Kesehatan",
        "BIDANG",
        Some("DINKES"),
    ),
    unit(
        "DINKES.PKM-DUMAI-KOTA",
        "Puskesmas Dumai Kota",
        "PUSKESMAS",
        Some("DINKES"),
    ),
    unit(
        "DINKES.PKM-BUKIT-KAPUR",
        "Puskesmas Bukit Kapur",
        "PUSKESMAS",
        Some("DINKES"),
    ),
    // Dinas Pendidikan dan Kebudayaan
    unit(
        "DISDIKBUD",
        "Dinas Pendidikan dan Kebudayaan",
        "DINAS",
        Some("DUMAI"),
    ),
    unit(
        "DISDIKBUD.SD",
        "Bidang Pembinaan Sekolah Dasar",
        "BIDANG",
        Some("DISDIKBUD"),
    ),
    unit(
        "DISDIKBUD.SDN-001-DUMAI-KOTA",
        "SD Negeri 001 Dumai Kota",
        "SEKOLAH",
        Some("DISDIKBUD"),
    ),
    // Kecamatan Dumai Kota
    unit(
        "KEC-DUMAI-KOTA",
        "Kecamatan Dumai Kota",
        "KECAMATAN",
        Some("DUMAI"),
    ),
    unit(
        "KEC-DUMAI-KOTA.KEL-LAKSAMANA",
        "Kelurahan Laksamana",
        "KELURAHAN",
        Some("KEC-DUMAI-KOTA"),
    ),
    unit(
        "KEC-DUMAI-KOTA.KEL-SUKAJADI",
        "Kelurahan Sukajadi",
        "KELURAHAN",
        Some("KEC-DUMAI-KOTA"),
    ),
    unit(
        "KEC-DUMAI-KOTA.KEL-RIMBA-SEKAMPUNG",
        "Kelurahan Rimba Sekampung",
        "KELURAHAN",
        Some("KEC-DUMAI-KOTA"),
    ),
];

// NIPs of supervisors referenced more than once (personas live in `personas`).
const SEKDA: &str = "196908171992031001";
const KABAG_ORGANISASI: &str = "197805122003122001";
const KABID_PKA: &str = "197912082005032001";
const ANALIS_SDM: &str = "198702192011032001";
const INSPEKTUR: &str = "197107071997032001";
const IRBAN_I: &str = "197809092003121001";
const KEPALA_BAPPEDA: &str = "197012011996031001";
const KABID_LITBANG: &str = "198103252006042001";
const SEKDIS_KESEHATAN: &str = "197601302000122001";
const KASUBBAG_UMUM_DINKES: &str = "198208162008011001";
const KABID_YANKES: &str = "198011112006011001";
const PERAWAT_AHLI_MUDA: &str = "198407152009032001";
const KAPUS_BUKIT_KAPUR: &str = "198302022010031001";
const KADIS_PENDIDIKAN: &str = "196809141994031001";
const KEPSEK_SDN_001: &str = "197511302000121001";
const CAMAT_DUMAI_KOTA: &str = "198405202006081001";
const LURAH_LAKSAMANA: &str = "198210102008012001";

#[allow(clippy::too_many_arguments)]
const fn asn(
    nip: &'static str,
    name: &'static str,
    gender: &'static str,
    employment_type: &'static str,
    grade: &'static str,
    position: &'static str,
    position_kind: &'static str,
    unit: &'static str,
    supervisor: Option<&'static str>,
    heads: Option<&'static str>,
) -> AsnRow {
    AsnRow {
        nip,
        name,
        gender,
        employment_type,
        grade,
        position,
        position_kind,
        unit,
        supervisor,
        heads,
    }
}

/// The ASN, supervisors first.
pub static ASN: &[AsnRow] = &[
    // ---- Sekretariat Daerah ----
    asn(
        SEKDA,
        "H. Indra Gunawan, S.Sos, M.Si",
        "MALE",
        "PNS",
        "IV/d",
        "Sekretaris Daerah Kota Dumai",
        "JPT",
        "SETDA",
        None,
        Some("SETDA"),
    ),
    asn(
        KABAG_ORGANISASI,
        "Yusnita, S.H., M.H.",
        "FEMALE",
        "PNS",
        "IV/a",
        "Kepala Bagian Organisasi",
        "ADMINISTRATOR",
        "SETDA.ORGANISASI",
        Some(SEKDA),
        Some("SETDA.ORGANISASI"),
    ),
    asn(
        "199402142019032001",
        "Putri Ayu Lestari, S.AP",
        "FEMALE",
        "PNS",
        "III/b",
        "Analis Kebijakan Ahli Pertama",
        "FUNGSIONAL",
        "SETDA.ORGANISASI",
        Some(KABAG_ORGANISASI),
        None,
    ),
    asn(
        "199111052025242001",
        "Siti Aminah",
        "FEMALE",
        "PPPK_PARUH_WAKTU",
        "V",
        "Operator Layanan Operasional",
        "PELAKSANA",
        "SETDA.ORGANISASI",
        Some(KABAG_ORGANISASI),
        None,
    ),
    // ---- BKPSDM ----
    asn(
        personas::ADMIN,
        "H. Muhammad Fadli, S.STP, M.Si",
        "MALE",
        "PNS",
        "IV/c",
        "Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        "JPT",
        "BKPSDM",
        None,
        Some("BKPSDM"),
    ),
    asn(
        KABID_PKA,
        "Dewi Kartika Sari, S.Psi, M.Si",
        "FEMALE",
        "PNS",
        "IV/a",
        "Kepala Bidang Penilaian Kinerja Aparatur dan Penghargaan",
        "ADMINISTRATOR",
        "BKPSDM.PKA",
        Some(personas::ADMIN),
        Some("BKPSDM.PKA"),
    ),
    asn(
        "197704222002121001",
        "Agus Salim, S.H., M.H.",
        "MALE",
        "PNS",
        "IV/b",
        "Kepala Bidang Mutasi dan Promosi",
        "ADMINISTRATOR",
        "BKPSDM.MUTASI",
        Some(personas::ADMIN),
        Some("BKPSDM.MUTASI"),
    ),
    asn(
        ANALIS_SDM,
        "Rina Febriani, S.Psi",
        "FEMALE",
        "PNS",
        "III/c",
        "Analis Sumber Daya Manusia Aparatur Ahli Muda",
        "FUNGSIONAL",
        "BKPSDM.PKA",
        Some(KABID_PKA),
        None,
    ),
    asn(
        "199608102020121001",
        "Ilham Syahputra, S.Kom",
        "MALE",
        "PNS",
        "III/a",
        "Penata Layanan Operasional",
        "PELAKSANA",
        "BKPSDM.PKA",
        Some(ANALIS_SDM),
        None,
    ),
    // ---- Inspektorat Daerah ----
    asn(
        INSPEKTUR,
        "Hj. Nurhayati, S.E., Ak., M.Si",
        "FEMALE",
        "PNS",
        "IV/c",
        "Inspektur Daerah Kota Dumai",
        "JPT",
        "INSPEKTORAT",
        None,
        Some("INSPEKTORAT"),
    ),
    asn(
        personas::AUDITOR,
        "Hendra Saputra, S.E., M.Ak",
        "MALE",
        "PNS",
        "III/d",
        "Auditor Ahli Muda",
        "FUNGSIONAL",
        "INSPEKTORAT",
        None,
        None,
    ),
    asn(
        IRBAN_I,
        "Irwan Syahputra, S.E., M.M.",
        "MALE",
        "PNS",
        "IV/b",
        "Inspektur Pembantu Wilayah I",
        "ADMINISTRATOR",
        "INSPEKTORAT",
        Some(INSPEKTUR),
        None,
    ),
    asn(
        "198604172008082001",
        "Elvi Susanti, S.STP, M.Si",
        "FEMALE",
        "PNS",
        "III/d",
        "Pengawas Penyelenggaraan Urusan Pemerintahan di Daerah Ahli Muda",
        "FUNGSIONAL",
        "INSPEKTORAT",
        Some(IRBAN_I),
        None,
    ),
    // ---- Bappeda ----
    asn(
        KEPALA_BAPPEDA,
        "Ir. H. Syahrul Effendi, M.T.",
        "MALE",
        "PNS",
        "IV/c",
        "Kepala Badan Perencanaan Pembangunan Daerah, Penelitian dan Pengembangan",
        "JPT",
        "BAPPEDA",
        None,
        Some("BAPPEDA"),
    ),
    asn(
        KABID_LITBANG,
        "Ratna Juwita, S.T., M.T.",
        "FEMALE",
        "PNS",
        "IV/a",
        "Kepala Bidang Penelitian dan Pengembangan",
        "ADMINISTRATOR",
        "BAPPEDA.LITBANG",
        Some(KEPALA_BAPPEDA),
        Some("BAPPEDA.LITBANG"),
    ),
    asn(
        personas::ANALIS,
        "Dimas Pratama, S.Si, M.Stat",
        "MALE",
        "PNS",
        "III/c",
        "Analis Kebijakan Ahli Muda",
        "FUNGSIONAL",
        "BAPPEDA.LITBANG",
        None,
        None,
    ),
    asn(
        "199409282023212001",
        "Nadia Safitri, S.E.",
        "FEMALE",
        "PPPK",
        "IX",
        "Perencana Ahli Pertama",
        "FUNGSIONAL",
        "BAPPEDA.LITBANG",
        Some(KABID_LITBANG),
        None,
    ),
    // ---- Dinas Kesehatan ----
    asn(
        personas::KEPALA_DINKES,
        "dr. H. Syamsul Bahri, M.Kes",
        "MALE",
        "PNS",
        "IV/c",
        "Kepala Dinas Kesehatan",
        "JPT",
        "DINKES",
        None,
        Some("DINKES"),
    ),
    asn(
        SEKDIS_KESEHATAN,
        "Hj. Erni Susanti, S.KM, M.Kes",
        "FEMALE",
        "PNS",
        "IV/b",
        "Sekretaris Dinas Kesehatan",
        "ADMINISTRATOR",
        "DINKES.SEKRETARIAT",
        Some(personas::KEPALA_DINKES),
        Some("DINKES.SEKRETARIAT"),
    ),
    asn(
        KASUBBAG_UMUM_DINKES,
        "Syafrizal, S.E.",
        "MALE",
        "PNS",
        "III/d",
        "Kepala Subbagian Umum dan Kepegawaian",
        "PENGAWAS",
        "DINKES.SEKRETARIAT.UMUM",
        Some(SEKDIS_KESEHATAN),
        Some("DINKES.SEKRETARIAT.UMUM"),
    ),
    asn(
        "199305192015032001",
        "Fitri Handayani",
        "FEMALE",
        "PNS",
        "II/c",
        "Pengadministrasi Perkantoran",
        "PELAKSANA",
        "DINKES.SEKRETARIAT.UMUM",
        Some(KASUBBAG_UMUM_DINKES),
        None,
    ),
    asn(
        KABID_YANKES,
        "dr. Teguh Prasetyo, M.Kes",
        "MALE",
        "PNS",
        "IV/a",
        "Kepala Bidang Pelayanan dan Sumber Daya Kesehatan",
        "ADMINISTRATOR",
        "DINKES.YANKES",
        Some(personas::KEPALA_DINKES),
        Some("DINKES.YANKES"),
    ),
    asn(
        "198608082010032001",
        "Wulan Permatasari, S.KM, M.KM",
        "FEMALE",
        "PNS",
        "III/c",
        "Administrator Kesehatan Ahli Muda",
        "FUNGSIONAL",
        "DINKES.YANKES",
        Some(KABID_YANKES),
        None,
    ),
    // Puskesmas Dumai Kota
    asn(
        personas::KEPALA_PUSKESMAS,
        "dr. Rina Marlina, M.Kes",
        "FEMALE",
        "PNS",
        "III/d",
        "Kepala UPT Puskesmas Dumai Kota",
        "PENGAWAS",
        "DINKES.PKM-DUMAI-KOTA",
        Some(personas::KEPALA_DINKES),
        Some("DINKES.PKM-DUMAI-KOTA"),
    ),
    asn(
        personas::PERAWAT,
        "Ns. Sari Wahyuni, S.Kep",
        "FEMALE",
        "PNS",
        "III/b",
        "Perawat Ahli Pertama",
        "FUNGSIONAL",
        "DINKES.PKM-DUMAI-KOTA",
        Some(personas::KEPALA_PUSKESMAS),
        None,
    ),
    asn(
        "199110022020011001",
        "dr. Muhammad Rizki Pratama",
        "MALE",
        "PNS",
        "III/b",
        "Dokter Ahli Pertama",
        "FUNGSIONAL",
        "DINKES.PKM-DUMAI-KOTA",
        Some(personas::KEPALA_PUSKESMAS),
        None,
    ),
    asn(
        PERAWAT_AHLI_MUDA,
        "Ns. Hendrawati, S.Kep",
        "FEMALE",
        "PNS",
        "III/d",
        "Perawat Ahli Muda",
        "FUNGSIONAL",
        "DINKES.PKM-DUMAI-KOTA",
        Some(personas::KEPALA_PUSKESMAS),
        None,
    ),
    asn(
        "199412122023211001",
        "Agung Wibowo, A.Md.Kep",
        "MALE",
        "PPPK",
        "VII",
        "Perawat Terampil",
        "FUNGSIONAL",
        "DINKES.PKM-DUMAI-KOTA",
        Some(PERAWAT_AHLI_MUDA),
        None,
    ),
    asn(
        "199606062024212001",
        "Novi Andriani, A.Md.Keb",
        "FEMALE",
        "PPPK",
        "VII",
        "Bidan Terampil",
        "FUNGSIONAL",
        "DINKES.PKM-DUMAI-KOTA",
        Some(personas::KEPALA_PUSKESMAS),
        None,
    ),
    asn(
        "199302112025242001",
        "Yuni Kartika",
        "FEMALE",
        "PPPK_PARUH_WAKTU",
        "V",
        "Pengadministrasi Perkantoran",
        "PELAKSANA",
        "DINKES.PKM-DUMAI-KOTA",
        Some(personas::KEPALA_PUSKESMAS),
        None,
    ),
    // Puskesmas Bukit Kapur
    asn(
        KAPUS_BUKIT_KAPUR,
        "dr. Bambang Suryadi",
        "MALE",
        "PNS",
        "III/d",
        "Kepala UPT Puskesmas Bukit Kapur",
        "PENGAWAS",
        "DINKES.PKM-BUKIT-KAPUR",
        Some(personas::KEPALA_DINKES),
        Some("DINKES.PKM-BUKIT-KAPUR"),
    ),
    asn(
        "199509212020122001",
        "apt. Citra Dewi, S.Farm",
        "FEMALE",
        "PNS",
        "III/b",
        "Apoteker Ahli Pertama",
        "FUNGSIONAL",
        "DINKES.PKM-BUKIT-KAPUR",
        Some(KAPUS_BUKIT_KAPUR),
        None,
    ),
    asn(
        "199303172023211001",
        "Ns. Reza Firmansyah, S.Kep",
        "MALE",
        "PPPK",
        "IX",
        "Perawat Ahli Pertama",
        "FUNGSIONAL",
        "DINKES.PKM-BUKIT-KAPUR",
        Some(KAPUS_BUKIT_KAPUR),
        None,
    ),
    asn(
        "199810202024212001",
        "Yuliana, A.Md.Keb",
        "FEMALE",
        "PPPK",
        "VII",
        "Bidan Terampil",
        "FUNGSIONAL",
        "DINKES.PKM-BUKIT-KAPUR",
        Some(KAPUS_BUKIT_KAPUR),
        None,
    ),
    // ---- Dinas Pendidikan dan Kebudayaan ----
    asn(
        KADIS_PENDIDIKAN,
        "Drs. H. Muhammad Nasir, M.Pd",
        "MALE",
        "PNS",
        "IV/c",
        "Kepala Dinas Pendidikan dan Kebudayaan",
        "JPT",
        "DISDIKBUD",
        None,
        Some("DISDIKBUD"),
    ),
    asn(
        "197404041999032001",
        "Hj. Rosmaini, S.Pd, M.Pd",
        "FEMALE",
        "PNS",
        "IV/a",
        "Kepala Bidang Pembinaan Sekolah Dasar",
        "ADMINISTRATOR",
        "DISDIKBUD.SD",
        Some(KADIS_PENDIDIKAN),
        Some("DISDIKBUD.SD"),
    ),
    asn(
        KEPSEK_SDN_001,
        "Syahrial, S.Pd",
        "MALE",
        "PNS",
        "IV/a",
        "Guru Ahli Madya (Kepala Sekolah)",
        "FUNGSIONAL",
        "DISDIKBUD.SDN-001-DUMAI-KOTA",
        Some(KADIS_PENDIDIKAN),
        Some("DISDIKBUD.SDN-001-DUMAI-KOTA"),
    ),
    asn(
        personas::GURU,
        "Nurul Hidayah, S.Pd",
        "FEMALE",
        "PNS",
        "III/b",
        "Guru Ahli Pertama",
        "FUNGSIONAL",
        "DISDIKBUD.SDN-001-DUMAI-KOTA",
        None,
        None,
    ),
    asn(
        "199201272022212001",
        "Rahmi Yanti, S.Pd",
        "FEMALE",
        "PPPK",
        "IX",
        "Guru Ahli Pertama",
        "FUNGSIONAL",
        "DISDIKBUD.SDN-001-DUMAI-KOTA",
        Some(KEPSEK_SDN_001),
        None,
    ),
    asn(
        "199805052025241001",
        "Doni Saputra",
        "MALE",
        "PPPK_PARUH_WAKTU",
        "I",
        "Pengelola Umum Operasional",
        "PELAKSANA",
        "DISDIKBUD.SDN-001-DUMAI-KOTA",
        Some(KEPSEK_SDN_001),
        None,
    ),
    // ---- Kecamatan Dumai Kota ----
    asn(
        CAMAT_DUMAI_KOTA,
        "Riza Fahlevi, S.STP, M.Si",
        "MALE",
        "PNS",
        "IV/a",
        "Camat Dumai Kota",
        "ADMINISTRATOR",
        "KEC-DUMAI-KOTA",
        None,
        Some("KEC-DUMAI-KOTA"),
    ),
    asn(
        LURAH_LAKSAMANA,
        "Sri Rahayu, S.Sos",
        "FEMALE",
        "PNS",
        "III/d",
        "Lurah Laksamana",
        "PENGAWAS",
        "KEC-DUMAI-KOTA.KEL-LAKSAMANA",
        Some(CAMAT_DUMAI_KOTA),
        Some("KEC-DUMAI-KOTA.KEL-LAKSAMANA"),
    ),
    asn(
        "199006152012081001",
        "Zulfikar, S.STP",
        "MALE",
        "PNS",
        "III/c",
        "Lurah Sukajadi",
        "PENGAWAS",
        "KEC-DUMAI-KOTA.KEL-SUKAJADI",
        Some(CAMAT_DUMAI_KOTA),
        Some("KEC-DUMAI-KOTA.KEL-SUKAJADI"),
    ),
    asn(
        "197901192005031001",
        "Taufik Hidayat, S.E.",
        "MALE",
        "PNS",
        "III/d",
        "Lurah Rimba Sekampung",
        "PENGAWAS",
        "KEC-DUMAI-KOTA.KEL-RIMBA-SEKAMPUNG",
        Some(CAMAT_DUMAI_KOTA),
        Some("KEC-DUMAI-KOTA.KEL-RIMBA-SEKAMPUNG"),
    ),
    asn(
        "199203032019032001",
        "Maya Sari, S.AP",
        "FEMALE",
        "PNS",
        "III/b",
        "Penata Layanan Operasional",
        "PELAKSANA",
        "KEC-DUMAI-KOTA.KEL-LAKSAMANA",
        Some(LURAH_LAKSAMANA),
        None,
    ),
];

/// Roles granted in the demo.
pub static ROLES: &[RoleRow] = &[
    RoleRow {
        nip: personas::ADMIN,
        role: "ADMIN",
        unit: None,
    },
    RoleRow {
        nip: personas::AUDITOR,
        role: "INSPECTOR",
        unit: None,
    },
    // Second member of the independent evaluation team (P2UPD Ahli Muda, Inspektorat).
    RoleRow {
        nip: "198604172008082001",
        role: "INSPECTOR",
        unit: None,
    },
    RoleRow {
        nip: personas::ANALIS,
        role: "ANALYST",
        unit: None,
    },
    // Kasubbag Umum dan Kepegawaian, pengelola kinerja of the Dinas Kesehatan.
    RoleRow {
        nip: KASUBBAG_UMUM_DINKES,
        role: "UNIT_ADMIN",
        unit: Some("DINKES"),
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    const UNIT_KINDS: &[&str] = &[
        "PEMERINTAH_DAERAH",
        "SEKRETARIAT_DAERAH",
        "SEKRETARIAT_DPRD",
        "INSPEKTORAT",
        "DINAS",
        "BADAN",
        "RSUD",
        "SATPOL_PP",
        "KECAMATAN",
        "KELURAHAN",
        "BIDANG",
        "BAGIAN",
        "SUBBAGIAN",
        "SEKSI",
        "UPT",
        "PUSKESMAS",
        "SEKOLAH",
    ];
    const PNS_GRADES: &[&str] = &[
        "I/a", "I/b", "I/c", "I/d", "II/a", "II/b", "II/c", "II/d", "III/a", "III/b", "III/c",
        "III/d", "IV/a", "IV/b", "IV/c", "IV/d", "IV/e",
    ];
    const PPPK_GRADES: &[&str] = &[
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV",
        "XV", "XVI", "XVII",
    ];

    fn unit_codes() -> HashSet<&'static str> {
        UNITS.iter().map(|u| u.code).collect()
    }

    fn asn_by_nip(nip: &str) -> &'static AsnRow {
        ASN.iter()
            .find(|a| a.nip == nip)
            .unwrap_or_else(|| panic!("ASN {nip} missing"))
    }

    fn parent_of(code: &str) -> Option<&'static str> {
        UNITS.iter().find(|u| u.code == code).and_then(|u| u.parent)
    }

    /// The perangkat daerah (child of the root) that contains `code`.
    fn opd_of(code: &'static str) -> &'static str {
        let mut c = code;
        while let Some(p) = parent_of(c) {
            if parent_of(p).is_none() {
                return c;
            }
            c = p;
        }
        c
    }

    fn num(s: &str) -> u32 {
        s.parse().expect("digits")
    }

    fn is_leap(y: u32) -> bool {
        (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400)
    }

    fn days_in_month(y: u32, m: u32) -> u32 {
        match m {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if is_leap(y) => 29,
            2 => 28,
            _ => 0,
        }
    }

    fn valid_code(code: &str) -> bool {
        let b = code.as_bytes();
        !b.is_empty()
            && b.len() <= 64
            && (b[0].is_ascii_uppercase() || b[0].is_ascii_digit())
            && b.iter().all(|c| {
                c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, b'.' | b'_' | b'-')
            })
    }

    #[test]
    fn unit_codes_are_unique_and_valid() {
        let mut seen = HashSet::new();
        for u in UNITS {
            assert!(valid_code(u.code), "invalid unit code {}", u.code);
            assert!(seen.insert(u.code), "duplicate unit code {}", u.code);
            assert!(
                UNIT_KINDS.contains(&u.kind),
                "bad kind {} of {}",
                u.kind,
                u.code
            );
            assert!(!u.name.trim().is_empty());
        }
    }

    #[test]
    fn unit_tree_has_one_root_and_parents_first() {
        let roots: Vec<_> = UNITS.iter().filter(|u| u.parent.is_none()).collect();
        assert_eq!(roots.len(), 1, "exactly one root");
        assert_eq!(roots[0].code, "DUMAI");
        assert_eq!(roots[0].kind, "PEMERINTAH_DAERAH");
        assert_eq!(UNITS[0].code, "DUMAI");
        let mut earlier = HashSet::new();
        for u in UNITS {
            if let Some(p) = u.parent {
                assert!(
                    earlier.contains(p),
                    "parent {p} of {} not listed earlier",
                    u.code
                );
            }
            earlier.insert(u.code);
        }
    }

    #[test]
    fn nips_are_valid_and_unique() {
        let mut seen = HashSet::new();
        for a in ASN {
            let n = a.nip;
            assert!(seen.insert(n), "duplicate NIP {n}");
            assert_eq!(n.len(), 18, "NIP {n} length");
            assert!(n.bytes().all(|c| c.is_ascii_digit()), "NIP {n} digits");
            let (by, bm, bd) = (num(&n[0..4]), num(&n[4..6]), num(&n[6..8]));
            assert!((1940..=2008).contains(&by), "NIP {n} birth year");
            assert!((1..=12).contains(&bm), "NIP {n} birth month");
            assert!(bd >= 1 && bd <= days_in_month(by, bm), "NIP {n} birth day");
            let gender_digit = &n[14..15];
            let expected = match a.gender {
                "MALE" => "1",
                "FEMALE" => "2",
                g => panic!("bad gender {g} for {n}"),
            };
            assert_eq!(gender_digit, expected, "gender digit of {n}");
            assert_ne!(&n[15..18], "000", "sequence of {n}");
            let year = num(&n[8..12]);
            match a.employment_type {
                "PNS" => {
                    let month = num(&n[12..14]);
                    assert!((1..=12).contains(&month), "TMT month of {n}");
                    let tmt = year * 12 + month;
                    assert!(tmt >= (by + 18) * 12 + bm, "TMT before 18th birthday: {n}");
                    assert!(tmt <= 2026 * 12 + 11, "TMT after 2026-11: {n}");
                }
                "PPPK" | "PPPK_PARUH_WAKTU" => {
                    assert!(year >= by + 18, "appointment before 18: {n}");
                    assert!((2021..=2026).contains(&year), "appointment year of {n}");
                }
                e => panic!("bad employment type {e} for {n}"),
            }
        }
    }

    #[test]
    fn grades_and_kinds_are_valid() {
        for a in ASN {
            let grades = if a.employment_type == "PNS" {
                PNS_GRADES
            } else {
                PPPK_GRADES
            };
            assert!(grades.contains(&a.grade), "grade {} of {}", a.grade, a.nip);
            assert!(
                [
                    "JPT",
                    "ADMINISTRATOR",
                    "PENGAWAS",
                    "FUNGSIONAL",
                    "PELAKSANA"
                ]
                .contains(&a.position_kind),
                "position kind of {}",
                a.nip
            );
            assert!(!a.name.trim().is_empty() && !a.position.trim().is_empty());
            // PNS grades plausible for the position kind.
            if a.employment_type == "PNS" {
                let rank = PNS_GRADES.iter().position(|g| *g == a.grade).unwrap_or(0);
                let (lo, hi) = match a.position_kind {
                    "JPT" => ("IV/a", "IV/e"),
                    "ADMINISTRATOR" => ("III/d", "IV/c"),
                    "PENGAWAS" => ("III/b", "IV/a"),
                    "FUNGSIONAL" => ("II/a", "IV/c"),
                    _ => ("I/a", "III/d"),
                };
                let pos = |g: &str| PNS_GRADES.iter().position(|x| *x == g).unwrap_or(0);
                assert!(
                    pos(lo) <= rank && rank <= pos(hi),
                    "grade {} implausible for {} ({})",
                    a.grade,
                    a.position_kind,
                    a.nip
                );
            } else {
                assert_ne!(a.position_kind, "JPT", "PPPK cannot be JPT: {}", a.nip);
            }
        }
    }

    #[test]
    fn references_resolve() {
        let codes = unit_codes();
        let mut earlier = HashSet::new();
        let mut headed: HashMap<&str, &str> = HashMap::new();
        for a in ASN {
            assert!(
                codes.contains(a.unit),
                "unknown unit {} of {}",
                a.unit,
                a.nip
            );
            if let Some(s) = a.supervisor {
                assert!(
                    earlier.contains(s),
                    "supervisor {s} of {} not listed earlier",
                    a.nip
                );
            }
            if let Some(h) = a.heads {
                assert!(codes.contains(h), "unknown headed unit {h}");
                assert_eq!(h, a.unit, "{} heads {h} but works in {}", a.nip, a.unit);
                assert!(headed.insert(h, a.nip).is_none(), "unit {h} has two heads");
            }
            earlier.insert(a.nip);
        }
        for r in ROLES {
            assert!(earlier.contains(r.nip), "role for unknown NIP {}", r.nip);
            match r.role {
                "UNIT_ADMIN" => {
                    let u = r.unit.unwrap_or_else(|| panic!("UNIT_ADMIN without unit"));
                    assert!(codes.contains(u), "unknown role unit {u}");
                }
                "INSPECTOR" | "ADMIN" | "ANALYST" => assert!(r.unit.is_none()),
                other => panic!("bad role {other}"),
            }
        }
    }

    #[test]
    fn structure_is_consistent() {
        let heads: HashMap<&str, &str> = ASN
            .iter()
            .filter_map(|a| a.heads.map(|h| (h, a.nip)))
            .collect();
        // Every unit with staff has a head.
        for a in ASN {
            assert!(
                heads.contains_key(a.unit),
                "unit {} has staff but no head",
                a.unit
            );
        }
        for a in ASN {
            if let Some(h) = a.heads {
                // A head reports to the head of the nearest ancestor that has one.
                let mut p = parent_of(h);
                let mut expected = None;
                while let Some(code) = p {
                    if let Some(n) = heads.get(code) {
                        expected = Some(*n);
                        break;
                    }
                    p = parent_of(code);
                }
                assert_eq!(a.supervisor, expected, "supervisor of the head of {h}");
            }
            if let Some(s) = a.supervisor {
                // Supervision stays inside one perangkat daerah.
                assert_eq!(opd_of(a.unit), opd_of(asn_by_nip(s).unit), "{}", a.nip);
            } else {
                assert_ne!(a.position_kind, "PELAKSANA", "{} lacks a supervisor", a.nip);
            }
        }
        // Chains reach 3–4 levels.
        let depth = |mut nip: &str| {
            let mut d = 1;
            while let Some(s) = asn_by_nip(nip).supervisor {
                d += 1;
                nip = s;
            }
            d
        };
        let max = ASN.iter().map(|a| depth(a.nip)).max().unwrap_or(0);
        assert_eq!(max, 4);
        assert!((36..=45).contains(&ASN.len()), "{} ASN", ASN.len());
        assert!((20..=25).contains(&UNITS.len()), "{} units", UNITS.len());
        for et in ["PNS", "PPPK", "PPPK_PARUH_WAKTU"] {
            assert!(ASN.iter().any(|a| a.employment_type == et), "no {et}");
        }
    }

    #[test]
    fn personas_are_present() {
        let expect = [
            (personas::ADMIN, "MALE", None, Some("BKPSDM")),
            (personas::KEPALA_DINKES, "MALE", None, Some("DINKES")),
            (
                personas::KEPALA_PUSKESMAS,
                "FEMALE",
                Some(personas::KEPALA_DINKES),
                Some("DINKES.PKM-DUMAI-KOTA"),
            ),
            (
                personas::PERAWAT,
                "FEMALE",
                Some(personas::KEPALA_PUSKESMAS),
                None,
            ),
            (personas::AUDITOR, "MALE", None, None),
            (personas::ANALIS, "MALE", None, None),
            (personas::GURU, "FEMALE", None, None),
        ];
        for (nip, gender, supervisor, heads) in expect {
            let a = asn_by_nip(nip);
            assert_eq!(a.gender, gender, "gender of {nip}");
            assert_eq!(a.supervisor, supervisor, "supervisor of {nip}");
            assert_eq!(a.heads, heads, "heads of {nip}");
        }
        assert_eq!(asn_by_nip(personas::PERAWAT).unit, "DINKES.PKM-DUMAI-KOTA");
        assert_eq!(asn_by_nip(personas::PERAWAT).employment_type, "PNS");
        assert_eq!(asn_by_nip(personas::AUDITOR).unit, "INSPEKTORAT");
        assert_eq!(opd_of(asn_by_nip(personas::ANALIS).unit), "BAPPEDA");
        assert_eq!(opd_of(asn_by_nip(personas::GURU).unit), "DISDIKBUD");
        let roles_of = |nip: &str| -> Vec<&str> {
            ROLES
                .iter()
                .filter(|r| r.nip == nip)
                .map(|r| r.role)
                .collect()
        };
        assert_eq!(roles_of(personas::ADMIN), ["ADMIN"]);
        assert_eq!(roles_of(personas::AUDITOR), ["INSPECTOR"]);
        assert_eq!(roles_of(personas::ANALIS), ["ANALYST"]);
        for nip in [
            personas::KEPALA_DINKES,
            personas::KEPALA_PUSKESMAS,
            personas::PERAWAT,
            personas::GURU,
        ] {
            assert!(roles_of(nip).is_empty(), "{nip} has a role");
        }
    }
}
