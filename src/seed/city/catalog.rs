//! The shape of Pemerintah Kota Dumai for `seed city`: its perangkat daerah (the 2022 list of
//! the Sekretariat Daerah plus BPBD), their bidang and bagian, the seven kecamatan with their 36
//! kelurahan and the ten Puskesmas. Codes follow the demo data (`DINKES.PKM-DUMAI-KOTA`), so
//! the personas sit in the same units in both data sets.

/// What kind of staff a unit employs, which decides positions and daily activities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Offices: analysts, planners, administrators.
    Office,
    /// Health services (Puskesmas, RSUD): medical and nursing functional positions.
    Health,
    /// Schools: teachers.
    School,
    /// The Inspektorat: auditors.
    Audit,
    /// Satpol PP and BPBD: field officers.
    Field,
    /// Kecamatan and kelurahan: front-office services.
    Region,
}

/// A perangkat daerah directly below the Pemerintah Kota.
pub struct Opd {
    /// Unit code.
    pub code: &'static str,
    /// Official name.
    pub name: &'static str,
    /// Unit kind.
    pub kind: &'static str,
    /// Sub-units: code suffix, kind and name.
    pub parts: &'static [(&'static str, &'static str, &'static str)],
    /// Whether the OPD has a Sekretariat with the two usual subbagian.
    pub sekretariat: bool,
    /// Staff profile of its sub-units.
    pub profile: Profile,
    /// Whether its field staff work in shifts, weekends and holidays included.
    pub shifts: bool,
}

const fn opd(
    code: &'static str,
    name: &'static str,
    kind: &'static str,
    parts: &'static [(&'static str, &'static str, &'static str)],
) -> Opd {
    Opd {
        code,
        name,
        kind,
        parts,
        sekretariat: true,
        profile: Profile::Office,
        shifts: false,
    }
}

const B: &str = "BIDANG";

/// The perangkat daerah (without the kecamatan, see [`KECAMATAN`]).
pub static OPDS: &[Opd] = &[
    Opd {
        sekretariat: false,
        ..opd(
            "SETDA",
            "Sekretariat Daerah Kota Dumai",
            "SEKRETARIAT_DAERAH",
            &[
                ("ORGANISASI", "BAGIAN", "Bagian Organisasi"),
                ("HUKUM", "BAGIAN", "Bagian Hukum"),
                ("UMUM", "BAGIAN", "Bagian Umum"),
                ("TAPEM", "BAGIAN", "Bagian Tata Pemerintahan"),
                ("KESRA", "BAGIAN", "Bagian Kesejahteraan Rakyat"),
                (
                    "PEREKONOMIAN",
                    "BAGIAN",
                    "Bagian Perekonomian dan Sumber Daya Alam",
                ),
                ("PBJ", "BAGIAN", "Bagian Pengadaan Barang dan Jasa"),
                (
                    "PROKOPIM",
                    "BAGIAN",
                    "Bagian Protokol dan Komunikasi Pimpinan",
                ),
            ],
        )
    },
    Opd {
        sekretariat: false,
        ..opd(
            "SETWAN",
            "Sekretariat DPRD Kota Dumai",
            "SEKRETARIAT_DPRD",
            &[
                ("UMUM", "BAGIAN", "Bagian Umum dan Keuangan"),
                (
                    "PERSIDANGAN",
                    "BAGIAN",
                    "Bagian Persidangan dan Perundang-undangan",
                ),
                (
                    "FASILITASI",
                    "BAGIAN",
                    "Bagian Fasilitasi Penganggaran dan Pengawasan",
                ),
            ],
        )
    },
    Opd {
        profile: Profile::Audit,
        ..opd(
            "INSPEKTORAT",
            "Inspektorat Daerah",
            "INSPEKTORAT",
            &[
                ("IRBAN-I", B, "Inspektur Pembantu Wilayah I"),
                ("IRBAN-II", B, "Inspektur Pembantu Wilayah II"),
                ("IRBAN-III", B, "Inspektur Pembantu Wilayah III"),
                ("IRBAN-IV", B, "Inspektur Pembantu Khusus"),
            ],
        )
    },
    opd(
        "DLH",
        "Dinas Lingkungan Hidup",
        "DINAS",
        &[
            ("TATA-LINGKUNGAN", B, "Bidang Tata Lingkungan"),
            ("PERSAMPAHAN", B, "Bidang Pengelolaan Sampah dan Limbah B3"),
            ("PENGENDALIAN", B, "Bidang Pengendalian Pencemaran"),
        ],
    ),
    opd(
        "DISPERKIM",
        "Dinas Perumahan Rakyat dan Kawasan Permukiman",
        "DINAS",
        &[
            ("PERUMAHAN", B, "Bidang Perumahan"),
            ("KAWASAN", B, "Bidang Kawasan Permukiman"),
            ("PERTANAHAN", B, "Bidang Pertanahan"),
        ],
    ),
    opd(
        "DPUPR",
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        "DINAS",
        &[
            ("BINA-MARGA", B, "Bidang Bina Marga"),
            ("SDA", B, "Bidang Sumber Daya Air"),
            ("CIPTA-KARYA", B, "Bidang Cipta Karya"),
            ("TATA-RUANG", B, "Bidang Penataan Ruang"),
        ],
    ),
    opd(
        "DP3A",
        "Dinas Pemberdayaan Perempuan dan Perlindungan Anak",
        "DINAS",
        &[
            ("PUG", B, "Bidang Pengarusutamaan Gender"),
            ("PERLINDUNGAN", B, "Bidang Perlindungan Perempuan dan Anak"),
        ],
    ),
    opd(
        "DPPKB",
        "Dinas Pengendalian Penduduk dan Keluarga Berencana",
        "DINAS",
        &[
            ("KB", B, "Bidang Keluarga Berencana"),
            ("KS", B, "Bidang Ketahanan dan Kesejahteraan Keluarga"),
        ],
    ),
    opd(
        "DPMPTSP",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
        "DINAS",
        &[
            ("PENANAMAN-MODAL", B, "Bidang Penanaman Modal"),
            ("PERIZINAN", B, "Bidang Pelayanan Perizinan"),
            ("PENGADUAN", B, "Bidang Pengaduan dan Informasi"),
        ],
    ),
    opd(
        "DKPP",
        "Dinas Ketahanan Pangan dan Pertanian",
        "DINAS",
        &[
            ("KETAHANAN-PANGAN", B, "Bidang Ketahanan Pangan"),
            (
                "TANAMAN-PANGAN",
                B,
                "Bidang Tanaman Pangan dan Hortikultura",
            ),
            ("PETERNAKAN", B, "Bidang Peternakan dan Kesehatan Hewan"),
        ],
    ),
    opd(
        "DISPUSIP",
        "Dinas Perpustakaan dan Kearsipan",
        "DINAS",
        &[
            ("PERPUSTAKAAN", B, "Bidang Perpustakaan"),
            ("KEARSIPAN", B, "Bidang Kearsipan"),
        ],
    ),
    opd(
        "DISNAKER",
        "Dinas Tenaga Kerja",
        "DINAS",
        &[
            (
                "PENEMPATAN",
                B,
                "Bidang Penempatan dan Pelatihan Tenaga Kerja",
            ),
            ("HUBINDUSTRIAL", B, "Bidang Hubungan Industrial"),
        ],
    ),
    opd(
        "DISKOPUKMPERIN",
        "Dinas Koperasi, Usaha Kecil Menengah dan Perindustrian",
        "DINAS",
        &[
            ("KOPERASI", B, "Bidang Koperasi"),
            ("UKM", B, "Bidang Usaha Kecil Menengah"),
            ("PERINDUSTRIAN", B, "Bidang Perindustrian"),
        ],
    ),
    opd(
        "DISKOMINFOTIKSAN",
        "Dinas Komunikasi, Informatika, Statistik dan Persandian",
        "DINAS",
        &[
            ("IKP", B, "Bidang Informasi dan Komunikasi Publik"),
            ("APTIKA", B, "Bidang Aplikasi Informatika"),
            ("STATISTIK", B, "Bidang Statistik dan Persandian"),
        ],
    ),
    opd(
        "DISKAN",
        "Dinas Perikanan",
        "DINAS",
        &[
            ("TANGKAP", B, "Bidang Perikanan Tangkap"),
            ("BUDIDAYA", B, "Bidang Perikanan Budidaya"),
        ],
    ),
    opd(
        "DISHUB",
        "Dinas Perhubungan",
        "DINAS",
        &[
            ("LALIN", B, "Bidang Lalu Lintas"),
            ("ANGKUTAN", B, "Bidang Angkutan"),
            ("SARPRAS", B, "Bidang Prasarana dan Keselamatan"),
        ],
    ),
    opd(
        "DISDUKCAPIL",
        "Dinas Kependudukan dan Pencatatan Sipil",
        "DINAS",
        &[
            ("DAFDUK", B, "Bidang Pelayanan Pendaftaran Penduduk"),
            ("CAPIL", B, "Bidang Pelayanan Pencatatan Sipil"),
            (
                "PIAK",
                B,
                "Bidang Pengelolaan Informasi Administrasi Kependudukan",
            ),
        ],
    ),
    opd(
        "DISPORAPAR",
        "Dinas Kepemudaan, Olahraga dan Pariwisata",
        "DINAS",
        &[
            ("KEPEMUDAAN", B, "Bidang Kepemudaan"),
            ("OLAHRAGA", B, "Bidang Olahraga"),
            ("PARIWISATA", B, "Bidang Pariwisata"),
        ],
    ),
    opd(
        "DISDIKBUD",
        "Dinas Pendidikan dan Kebudayaan",
        "DINAS",
        &[
            ("SD", B, "Bidang Pembinaan Sekolah Dasar"),
            ("SMP", B, "Bidang Pembinaan Sekolah Menengah Pertama"),
            ("PAUD", B, "Bidang Pendidikan Anak Usia Dini dan Nonformal"),
            ("KEBUDAYAAN", B, "Bidang Kebudayaan"),
        ],
    ),
    opd(
        "DISDAG",
        "Dinas Perdagangan",
        "DINAS",
        &[
            ("PERDAGANGAN", B, "Bidang Perdagangan"),
            ("PASAR", B, "Bidang Pengelolaan Pasar"),
            ("METROLOGI", B, "Bidang Metrologi Legal"),
        ],
    ),
    opd(
        "DINSOSPM",
        "Dinas Sosial dan Pemberdayaan Masyarakat",
        "DINAS",
        &[
            ("REHSOS", B, "Bidang Rehabilitasi Sosial"),
            ("LINJAMSOS", B, "Bidang Perlindungan dan Jaminan Sosial"),
            ("PM", B, "Bidang Pemberdayaan Masyarakat"),
        ],
    ),
    opd(
        "DINKES",
        "Dinas Kesehatan",
        "DINAS",
        &[
            ("YANKES", B, "Bidang Pelayanan dan Sumber Daya Kesehatan"),
            ("KESMAS", B, "Bidang Kesehatan Masyarakat"),
            ("P2P", B, "Bidang Pencegahan dan Pengendalian Penyakit"),
        ],
    ),
    Opd {
        profile: Profile::Field,
        shifts: true,
        ..opd(
            "SATPOLPP",
            "Satuan Polisi Pamong Praja",
            "SATPOL_PP",
            &[
                ("PENEGAKAN", B, "Bidang Penegakan Peraturan Daerah"),
                (
                    "TRANTIBUM",
                    B,
                    "Bidang Ketertiban Umum dan Ketenteraman Masyarakat",
                ),
                ("LINMAS", B, "Bidang Perlindungan Masyarakat"),
            ],
        )
    },
    opd(
        "BAPPEDA",
        "Badan Perencanaan Pembangunan Daerah, Penelitian dan Pengembangan",
        "BADAN",
        &[
            ("PEREKONOMIAN", B, "Bidang Perencanaan Perekonomian dan SDA"),
            (
                "PPM",
                B,
                "Bidang Perencanaan Pemerintahan dan Pembangunan Manusia",
            ),
            (
                "INFRASTRUKTUR",
                B,
                "Bidang Perencanaan Infrastruktur dan Kewilayahan",
            ),
            ("LITBANG", B, "Bidang Penelitian dan Pengembangan"),
        ],
    ),
    opd(
        "BKPSDM",
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        "BADAN",
        &[
            ("MUTASI", B, "Bidang Mutasi dan Promosi"),
            (
                "PKA",
                B,
                "Bidang Penilaian Kinerja Aparatur dan Penghargaan",
            ),
            ("PSDM", B, "Bidang Pengembangan Sumber Daya Manusia"),
        ],
    ),
    opd(
        "KESBANGPOL",
        "Badan Kesatuan Bangsa dan Politik",
        "BADAN",
        &[
            ("IDEOLOGI", B, "Bidang Ideologi dan Wawasan Kebangsaan"),
            ("POLDAGRI", B, "Bidang Politik Dalam Negeri dan Ormas"),
        ],
    ),
    opd(
        "BPKAD",
        "Badan Pengelolaan Keuangan dan Aset Daerah",
        "BADAN",
        &[
            ("ANGGARAN", B, "Bidang Anggaran"),
            ("PERBENDAHARAAN", B, "Bidang Perbendaharaan"),
            ("AKUNTANSI", B, "Bidang Akuntansi dan Pelaporan"),
            ("ASET", B, "Bidang Pengelolaan Barang Milik Daerah"),
        ],
    ),
    opd(
        "BAPENDA",
        "Badan Pendapatan Daerah",
        "BADAN",
        &[
            ("PENDATAAN", B, "Bidang Pendataan dan Penetapan"),
            ("PENAGIHAN", B, "Bidang Penagihan dan Keberatan"),
            ("PBB-BPHTB", B, "Bidang PBB dan BPHTB"),
        ],
    ),
    Opd {
        profile: Profile::Field,
        shifts: true,
        ..opd(
            "BPBD",
            "Badan Penanggulangan Bencana Daerah",
            "BADAN",
            &[
                ("PENCEGAHAN", B, "Bidang Pencegahan dan Kesiapsiagaan"),
                ("DARURAT", B, "Bidang Kedaruratan dan Logistik"),
                ("REHABREKON", B, "Bidang Rehabilitasi dan Rekonstruksi"),
            ],
        )
    },
    Opd {
        profile: Profile::Health,
        shifts: true,
        ..opd(
            "RSUD",
            "Rumah Sakit Umum Daerah Kota Dumai",
            "RSUD",
            &[
                ("YANMED", B, "Bidang Pelayanan Medik"),
                ("KEPERAWATAN", B, "Bidang Keperawatan"),
                ("PENUNJANG", B, "Bidang Penunjang Medik dan Nonmedik"),
            ],
        )
    },
];

/// The Puskesmas (UPT of the Dinas Kesehatan): code suffix and name.
pub static PUSKESMAS: &[(&str, &str)] = &[
    ("PKM-DUMAI-KOTA", "Puskesmas Dumai Kota"),
    ("PKM-PURNAMA", "Puskesmas Purnama"),
    ("PKM-BUKIT-TIMAH", "Puskesmas Bukit Timah"),
    ("PKM-JAYA-MUKTI", "Puskesmas Jaya Mukti"),
    ("PKM-BUMI-AYU", "Puskesmas Bumi Ayu"),
    ("PKM-MEDANG-KAMPAI", "Puskesmas Medang Kampai"),
    ("PKM-SUNGAI-SEMBILAN", "Puskesmas Sungai Sembilan"),
    ("PKM-BUKIT-KAPUR", "Puskesmas Bukit Kapur"),
    ("PKM-SIMPANG-TETAP", "Puskesmas Simpang Tetap Darul Ichsan"),
    ("PKM-LUBUK-GAUNG", "Puskesmas Lubuk Gaung"),
];

/// A kecamatan: code, name, kelurahan (code suffix, name).
pub type Kecamatan = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// The seven kecamatan with their kelurahan (36 in all).
pub static KECAMATAN: &[Kecamatan] = &[
    (
        "KEC-DUMAI-KOTA",
        "Dumai Kota",
        &[
            ("KEL-DUMAI-KOTA", "Dumai Kota"),
            ("KEL-LAKSAMANA", "Laksamana"),
            ("KEL-RIMBA-SEKAMPUNG", "Rimba Sekampung"),
            ("KEL-SUKAJADI", "Sukajadi"),
            ("KEL-BINTAN", "Bintan"),
        ],
    ),
    (
        "KEC-DUMAI-BARAT",
        "Dumai Barat",
        &[
            ("KEL-PANGKALAN-SESAI", "Pangkalan Sesai"),
            ("KEL-PURNAMA", "Purnama"),
            ("KEL-SIMPANG-TETAP", "Simpang Tetap Darul Ichsan"),
            ("KEL-BAGAN-KELADI", "Bagan Keladi"),
        ],
    ),
    (
        "KEC-DUMAI-TIMUR",
        "Dumai Timur",
        &[
            ("KEL-TANJUNG-PALAS", "Tanjung Palas"),
            ("KEL-BULUH-KASAP", "Buluh Kasap"),
            ("KEL-JAYA-MUKTI", "Jaya Mukti"),
            ("KEL-TELUK-BINJAI", "Teluk Binjai"),
            ("KEL-BUKIT-BATREM", "Bukit Batrem"),
        ],
    ),
    (
        "KEC-DUMAI-SELATAN",
        "Dumai Selatan",
        &[
            ("KEL-BUKIT-DATUK", "Bukit Datuk"),
            ("KEL-BUKIT-TIMAH", "Bukit Timah"),
            ("KEL-MEKAR-SARI", "Mekar Sari"),
            ("KEL-RATU-SIMA", "Ratu Sima"),
            ("KEL-BUMI-AYU", "Bumi Ayu"),
        ],
    ),
    (
        "KEC-BUKIT-KAPUR",
        "Bukit Kapur",
        &[
            ("KEL-BAGAN-BESAR", "Bagan Besar"),
            ("KEL-BAGAN-BESAR-TIMUR", "Bagan Besar Timur"),
            ("KEL-BUKIT-KAYU-KAPUR", "Bukit Kayu Kapur"),
            ("KEL-BUKIT-NENAS", "Bukit Nenas"),
            ("KEL-GURUN-PANJANG", "Gurun Panjang"),
            ("KEL-KAMPUNG-BARU", "Kampung Baru"),
        ],
    ),
    (
        "KEC-MEDANG-KAMPAI",
        "Medang Kampai",
        &[
            ("KEL-TELUK-MAKMUR", "Teluk Makmur"),
            ("KEL-PELINTUNG", "Pelintung"),
            ("KEL-GUNTUNG", "Guntung"),
            ("KEL-MUNDAM", "Mundam"),
        ],
    ),
    (
        "KEC-SUNGAI-SEMBILAN",
        "Sungai Sembilan",
        &[
            ("KEL-LUBUK-GAUNG", "Lubuk Gaung"),
            ("KEL-BANGSAL-ACEH", "Bangsal Aceh"),
            ("KEL-BASILAM-BARU", "Basilam Baru"),
            ("KEL-TANJUNG-PENYEMBAL", "Tanjung Penyembal"),
            ("KEL-BATU-TERITIP", "Batu Teritip"),
            ("KEL-SUNGAI-GENIOT", "Sungai Geniot"),
            ("KEL-BUKIT-KERIKIL", "Bukit Kerikil"),
        ],
    ),
];

/// The seksi of every kecamatan: code suffix and name.
pub static KECAMATAN_SEKSI: &[(&str, &str)] = &[
    ("PEMERINTAHAN", "Seksi Pemerintahan"),
    ("TRANTIB", "Seksi Ketenteraman dan Ketertiban Umum"),
    ("EKBANG", "Seksi Ekonomi dan Pembangunan"),
    ("KESOS", "Seksi Kesejahteraan Sosial"),
];

/// Given names of men.
pub static MALE_NAMES: &[&str] = &[
    "Muhammad", "Ahmad", "Rizki", "Fajar", "Hendra", "Irwan", "Budi", "Dedi", "Agus", "Syahrul",
    "Ilham", "Arif", "Yusuf", "Hafiz", "Reza", "Andi", "Fauzi", "Zulkifli", "Rahmat", "Taufik",
    "Hamdan", "Firdaus", "Wahyu", "Eko", "Joko", "Bayu", "Doni", "Ridwan", "Syamsul", "Azhar",
];

/// Given names of women.
pub static FEMALE_NAMES: &[&str] = &[
    "Siti",
    "Nurul",
    "Dewi",
    "Rina",
    "Sari",
    "Putri",
    "Yusnita",
    "Ratna",
    "Fitri",
    "Nadia",
    "Ayu",
    "Indah",
    "Rahma",
    "Wulan",
    "Lestari",
    "Novi",
    "Mega",
    "Yuliana",
    "Elvi",
    "Aisyah",
    "Hasanah",
    "Nurhayati",
    "Dian",
    "Maya",
    "Intan",
    "Zahra",
    "Annisa",
    "Rosmawati",
    "Erna",
    "Tika",
];

/// Second names (family and given names used as surnames in Riau).
pub static SECOND_NAMES: &[&str] = &[
    "Saputra",
    "Pratama",
    "Hidayat",
    "Syahputra",
    "Gunawan",
    "Effendi",
    "Siregar",
    "Nasution",
    "Lubis",
    "Harahap",
    "Hasibuan",
    "Rambe",
    "Daulay",
    "Tanjung",
    "Sembiring",
    "Ginting",
    "Wijaya",
    "Kurniawan",
    "Setiawan",
    "Ramadhan",
    "Firmansyah",
    "Hakim",
    "Maulana",
    "Putra",
    "Anwar",
    "Rahman",
    "Aziz",
    "Hamid",
    "Yunus",
    "Zainal",
    "Azmi",
    "Haris",
    "Fadillah",
    "Amri",
];

/// Second names of women.
pub static FEMALE_SECOND_NAMES: &[&str] = &[
    "Lestari",
    "Wahyuni",
    "Marlina",
    "Febriani",
    "Safitri",
    "Juwita",
    "Susanti",
    "Hidayah",
    "Aminah",
    "Kartika",
    "Rahmawati",
    "Handayani",
    "Purnamasari",
    "Oktaviani",
    "Maharani",
    "Permata",
    "Siregar",
    "Nasution",
    "Lubis",
    "Harahap",
    "Novitasari",
    "Puspita",
    "Anggraini",
];
