//! What people write in their daily activity log, per staff profile: eight descriptions each
//! with the unit of their output.

/// Profile name (as staged for SQL) → eight (description, output unit).
pub static TASKS: &[(&str, &[(&str, &str)])] = &[
    (
        "OFFICE",
        &[
            ("Menyusun konsep surat dinas dan nota dinas", "Dokumen"),
            ("Menginput dan memverifikasi data pada aplikasi", "Data"),
            ("Menyusun laporan pelaksanaan kegiatan bulanan", "Laporan"),
            ("Mengikuti rapat koordinasi bidang", "Kegiatan"),
            ("Menelaah dokumen perencanaan dan anggaran", "Dokumen"),
            ("Mengarsipkan dokumen masuk dan keluar", "Berkas"),
            ("Melayani konsultasi dan permintaan informasi", "Layanan"),
            ("Menyiapkan bahan paparan pimpinan", "Dokumen"),
        ],
    ),
    (
        "HEALTH",
        &[
            (
                "Melakukan pemeriksaan dan asuhan pasien rawat jalan",
                "Pasien",
            ),
            ("Melakukan asuhan keperawatan pasien", "Pasien"),
            ("Melakukan pelayanan imunisasi dan KIA", "Pasien"),
            ("Melaksanakan kunjungan rumah dan posyandu", "Kegiatan"),
            ("Mencatat rekam medis dan pelaporan harian", "Laporan"),
            ("Melakukan pemeriksaan laboratorium sederhana", "Sampel"),
            ("Melakukan penyuluhan kesehatan masyarakat", "Kegiatan"),
            ("Mengelola obat dan perbekalan kesehatan", "Dokumen"),
        ],
    ),
    (
        "SCHOOL",
        &[
            (
                "Melaksanakan pembelajaran tatap muka di kelas",
                "Jam Pelajaran",
            ),
            ("Menyusun modul ajar dan rencana pembelajaran", "Dokumen"),
            ("Melakukan penilaian hasil belajar peserta didik", "Dokumen"),
            ("Membimbing kegiatan ekstrakurikuler", "Kegiatan"),
            ("Melaksanakan remedial dan pengayaan", "Jam Pelajaran"),
            ("Mengikuti komunitas belajar guru", "Kegiatan"),
            ("Memeriksa tugas peserta didik", "Berkas"),
            ("Menginput nilai pada aplikasi rapor", "Data"),
        ],
    ),
    (
        "AUDIT",
        &[
            (
                "Melaksanakan reviu laporan keuangan perangkat daerah",
                "Laporan",
            ),
            ("Melakukan pemeriksaan reguler", "Kegiatan"),
            ("Menyusun kertas kerja pemeriksaan", "Dokumen"),
            (
                "Melakukan pemantauan tindak lanjut hasil pemeriksaan",
                "Dokumen",
            ),
            ("Melakukan evaluasi SAKIP perangkat daerah", "Laporan"),
            (
                "Melakukan pendampingan pengadaan barang dan jasa",
                "Kegiatan",
            ),
            ("Menelaah pengaduan masyarakat", "Berkas"),
            ("Menyusun laporan hasil pengawasan", "Laporan"),
        ],
    ),
    (
        "FIELD",
        &[
            ("Melaksanakan patroli ketertiban umum", "Kegiatan"),
            ("Melakukan penjagaan dan pengamanan aset daerah", "Kegiatan"),
            (
                "Melakukan penertiban pelanggaran peraturan daerah",
                "Kegiatan",
            ),
            ("Melaksanakan siaga piket posko", "Kegiatan"),
            ("Menyusun laporan kejadian harian", "Laporan"),
            (
                "Melakukan pengamanan kegiatan pemerintah daerah",
                "Kegiatan",
            ),
            ("Melakukan sosialisasi kepada masyarakat", "Kegiatan"),
            ("Memeriksa kesiapan sarana dan peralatan", "Dokumen"),
        ],
    ),
    (
        "REGION",
        &[
            ("Melayani surat pengantar dan keterangan warga", "Layanan"),
            ("Memverifikasi berkas administrasi kependudukan", "Berkas"),
            ("Mendata warga kurang mampu", "Data"),
            ("Mengikuti musyawarah dan rapat kelurahan", "Kegiatan"),
            ("Memantau kebersihan dan ketertiban lingkungan", "Kegiatan"),
            ("Menyusun laporan bulanan kelurahan", "Laporan"),
            ("Mengarsipkan surat masuk dan keluar", "Berkas"),
            ("Memfasilitasi kegiatan posyandu dan PKK", "Kegiatan"),
        ],
    ),
];
