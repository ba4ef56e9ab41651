"""The shipped rule pack on a labelled set of news texts that are not the demo's articles."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from alerts import Rule
from bench.eval_rules import (
    BLIND,
    DATA,
    SPENT,
    SPENT5,
    chosen_pack,
    chosen_set,
    load,
    pack,
    predict,
    relabelled,
    report,
)


@cache
def shipped() -> list[Rule]:
    """The shipped pack, parsed once for the module (it takes half a second); do not change it."""
    return pack()


def well_formed(items: list[dict[str, Any]]) -> bool:
    """Every label is a topic of the pack, and no trap has a topic."""
    topics = {rule.name for rule in shipped()}
    return all(set(i["topics"]) <= topics and not (i["trap"] and i["topics"]) for i in items)


def test_the_pack_alerts_on_migration_stories_and_not_on_traps() -> None:
    items = load()
    assert len(items) >= 150
    assert sum(1 for i in items if i["topics"]) >= 40 and sum(1 for i in items if i["trap"]) >= 30
    scores = report(items)["stemming"]["any"]
    assert scores["precision"] >= 0.95 and scores["recall"] >= 0.95


def test_word_forms_raise_recall_without_costing_precision() -> None:
    result = report(load())
    # Per topic: whether to alert at all is often decided by an exact acronym (TKI, PMI),
    # while which topic a story is about rests on affixed verbs (dipulangkan, ditempatkan).
    topics = [topic for topic in result["stemming"] if topic != "any"]
    recall = {mode: sum(result[mode][t]["recall"] for t in topics) for mode in result}
    assert recall["stemming"] > recall["exact"]
    assert result["stemming"]["any"]["recall"] >= result["exact"]["any"]["recall"]
    assert result["stemming"]["any"]["precision"] >= result["exact"]["any"]["precision"]


def test_no_trap_alerts() -> None:
    items = load()
    predicted = predict(items, shipped())
    assert [i["title"] for i in items if i["trap"] and predicted[i["id"]]] == []


def test_development_ids_are_unique() -> None:
    ids = [i["id"] for i in load()]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("spent", SPENT, ids=lambda path: path.name)
def test_a_spent_held_out_set_is_folded_into_the_development_set_unchanged(spent: Path) -> None:
    items = load(spent)
    assert len(items) >= 60
    # A retired held-out set is folded into the development set as it is: an id of both
    # sets must be the very same text, never a different text under a reused id, with the
    # very same labels unless the record of relabelling under the guide says otherwise.
    development = {i["id"]: i for i in load()}
    changes = relabelled()
    for item in items:
        change = changes.get(item["id"])
        expected = item if change is None else {**item, "topics": change["after"],
                                                 "trap": change["trap_after"]}
        assert development.get(item["id"]) == expected
        if change is not None:
            assert (item["topics"], item["trap"]) == (change["before"], change["trap_before"])
    assert well_formed(items)


def test_the_fifth_set_relabelled_in_place_is_folded_in_as_its_record() -> None:
    # The fifth set was relabelled in place under the guide while it was still blind, so its
    # record already holds the new labels: every text is in the development set exactly as
    # recorded, and every recorded change of its texts is the label it carries. A change made
    # after the set was folded in is marked "after_fold": the record still holds its "before"
    # labels and the development set its "after" labels.
    items = load(SPENT5)
    assert len(items) >= 200 and all(i["id"].startswith("h5-") for i in items)
    development = {i["id"]: i for i in load()}
    changes = {key: change for key, change in relabelled().items() if key.startswith("h5-")}
    assert changes
    later = {key: change for key, change in changes.items() if change.get("after_fold")}
    expected = {i["id"]: i if i["id"] not in later else {
        **i, "topics": later[i["id"]]["after"], "trap": later[i["id"]]["trap_after"]}
        for i in items}
    assert [i["id"] for i in items if development.get(i["id"]) != expected[i["id"]]] == []
    record = {i["id"]: i for i in items}
    for identifier, change in changes.items():
        held = ("before", "trap_before") if identifier in later else ("after", "trap_after")
        assert (record[identifier]["topics"], record[identifier]["trap"]) == (
            change[held[0]], change[held[1]])
    assert well_formed(items)


def test_the_labelled_set_is_chosen_and_a_missing_one_reported_by_name(tmp_path: Path) -> None:
    # A blind set is added by whoever merges it: until then --heldout names the missing file.
    blind = chosen_set(["--heldout"])
    if all(path.is_file() for path in BLIND):
        assert blind == list(BLIND)
    else:
        missing_blind = next(path for path in BLIND if not path.is_file())
        assert isinstance(blind, str) and str(missing_blind) in blind and "merges" in blind
    assert chosen_set([]) == [DATA]
    for spent in (*SPENT, SPENT5):
        assert chosen_set(["--set", str(spent)]) == [spent] and spent not in BLIND
    missing = tmp_path / "rule_eval_next.jsonl"
    message = chosen_set(["--set", str(missing)])
    assert isinstance(message, str) and str(missing) in message and "--set PATH" in message
    assert isinstance(chosen_set(["--set"]), str)


def test_every_topic_reaches_the_goal_on_the_development_set() -> None:
    scores = report(load())["stemming"]
    assert {topic: (round(s["precision"], 2), round(s["recall"], 2))
            for topic, s in scores.items()
            if s["precision"] < 0.9 or s["recall"] < 0.9} == {}


def test_every_relabelled_text_carries_its_new_labels_and_a_reason() -> None:
    # Labels changed under tests/data/LABELLING.md are recorded with the guide's section that
    # decided them; the labelled sets must hold the recorded new labels.
    current = {i["id"]: i for i in load()}
    topics = {rule.name for rule in shipped()}
    for identifier, change in relabelled().items():
        assert (current[identifier]["topics"], current[identifier]["trap"]) == (
            change["after"], change["trap_after"])
        assert change["section"] and set(change["after"]) <= topics
        assert (change["before"], change["trap_before"]) != (change["after"], change["trap_after"])


def test_blind_sets_share_no_text_with_the_development_set_and_use_the_packs_topics() -> None:
    development = load()
    # Texts, not titles: independent writers do arrive at the same plain headline.
    seen = {i["text"] for i in development}
    ids: set[str] = {i["id"] for i in development}
    for path in (path for path in BLIND if path.is_file()):
        items = load(path)
        assert len(items) >= 150
        assert [i["id"] for i in items if i["text"] in seen] == []
        assert well_formed(items)
        assert not ids & {i["id"] for i in items}
        ids |= {i["id"] for i in items}


def test_palm_oil_is_not_the_pacific_labour_scheme() -> None:
    # PALM (Pacific Australia Labour Mobility) is also every "palm oil" story, and queries
    # ignore case: the scheme counts only by its full name or as a scheme, visa or programme.
    trade = {"id": "t", "language": "en", "title": "Palm oil exports to Australia rise",
             "text": "Indonesia's palm oil exports to Australia and New Zealand rose 12 per "
                     "cent, the trade ministry said.", "topics": [], "trap": True}
    scheme = {**trade, "id": "s", "title": "More Indonesians join the PALM scheme",
              "text": "Indonesian workers recruited under the PALM scheme left for farms in "
                      "Australia."}
    predicted = predict([trade, scheme], shipped())
    assert predicted["t"] == set()
    assert "program-negara-tujuan" in predicted["s"]


def test_another_pack_is_scored_from_its_file_and_a_missing_one_named(tmp_path: Path) -> None:
    older = tmp_path / "older.toml"
    older.write_text('[[rules]]\nname = "pekerja-migran"\nquery = "TKI"\n', encoding="utf-8")
    assert chosen_pack([]) is None and chosen_pack(["--pack", str(older)]) == older
    assert [rule.query for rule in pack(source=older)] == ["TKI"]
    items = [i for i in load() if i["topics"]][:50]
    assert report(items, older)["stemming"]["any"]["recall"] < report(items)["stemming"]["any"][
        "recall"]
    message = chosen_pack(["--pack", str(tmp_path / "gone.toml")])
    assert isinstance(message, str) and "gone.toml" in message
    assert isinstance(chosen_pack(["--pack"]), str)


def _story(key: str, title: str, text: str, language: str = "id") -> dict[str, Any]:
    """A labelled-set item made for a test: the pack reads only its title and text."""
    return {"id": key, "language": language, "title": title, "text": text, "topics": [],
            "trap": False}


def _fired(title: str, text: str, language: str = "id") -> set[str]:
    """The rules of the shipped pack that fire on one text."""
    return predict([_story("x", title, text, language)], shipped())["x"]


def test_absconding_and_an_agencys_sanction_are_not_protection_cases() -> None:
    # Workers absconding are a scheme's failing (the guide), and an agency losing its licence
    # is the placement business; a worker whose passport the employer holds is a case.
    scheme = _fired("Jepang ganti program magang",
                    "Pemerintah Jepang mengganti program pemagangan teknis (TITP). Peserta dari "
                    "Indonesia boleh pindah majikan; larangan itu membuat banyak peserta "
                    "melarikan diri.")
    agency = _fired("Izin agensi dicabut",
                    "Kementerian mencabut izin tiga perusahaan penempatan pekerja migran yang "
                    "memungut biaya berlebih dari calon pekerja migran tujuan Taiwan.")
    passport = _fired("Paspor ditahan majikan",
                      "Empat pekerja migran Indonesia di Brunei meminta bantuan KBRI karena paspor "
                      "mereka ditahan majikan sejak tiba.")
    assert "perlindungan-kasus" not in scheme | agency
    assert "perlindungan-kasus" in passport


def test_a_destination_scheme_needs_indonesians_and_a_regime() -> None:
    vietnam = _fired("Jeju seasonal workers",
                     "Jeju will bring in 300 seasonal workers from Vietnam under Korea's E-8 visa.",
                     "en")
    feature = _fired("Caregivers in Japan",
                     "At a nursing home in Akita, Japan, eight care staff are Indonesian "
                     "caregivers who share two rented houses.", "en")
    repatriation = _fired("Repatriation programme extended",
                          "Malaysia extended its repatriation programme for undocumented workers; "
                          "Indonesians are the largest group of applicants.", "en")
    assert "program-negara-tujuan" not in vietnam | feature
    assert "program-negara-tujuan" in repatriation


def test_confinement_in_any_form_is_trafficking() -> None:
    confined = _fired("Penampungan ilegal digerebek",
                      "Polisi menggerebek penampungan calon pekerja migran tujuan Arab Saudi; 19 "
                      "perempuan tidak boleh keluar selama berbulan-bulan.")
    assert "perdagangan-orang" in confined


def test_a_recruiter_named_by_what_they_did_is_placement() -> None:
    # The guide's recruiter test: whoever recruited or sent the people, named as a suspect, is
    # the placement business, whether or not the story calls them an agent.
    suspect = _story("s", "Polisi Tangkap Pria yang Berangkatkan Warga ke Sarawak",
                     "Polres Sanggau menangkap seorang pria yang diduga merekrut dan "
                     "memberangkatkan sembilan warga ke Sarawak, Malaysia, tanpa prosedur "
                     "resmi. Tersangka memungut Rp 5 juta dari setiap korban.")
    shelter = _story("h", "Penampungan Ilegal Calon Pekerja Digerebek",
                     "Polisi menggerebek penampungan ilegal calon pekerja rumah tangga tujuan "
                     "Timur Tengah di Tangerang dan menangkap pengelolanya.")
    predicted = predict([suspect, shelter], shipped())
    assert "penempatan" in predicted["s"] and "penempatan" in predicted["h"]


def test_loans_for_departure_are_about_migrant_workers_but_a_credit_statistic_is_not() -> None:
    loans = _story("l", "Penyaluran KUR bagi Calon Pekerja Migran Naik",
                   "Penyaluran KUR untuk calon pekerja migran di Jawa Timur mencapai Rp 200 "
                   "miliar, dipakai membiayai pelatihan dan tiket ke Taiwan.")
    credit = _story("c", "Penyaluran KUR Capai Rp 200 Triliun",
                    "Penyaluran KUR hingga September mencapai Rp 200 triliun; porsi KUR "
                    "penempatan TKI kurang dari 0,1 persen.")
    predicted = predict([loans, credit], shipped())
    assert "pekerja-migran" in predicted["l"] and predicted["c"] == set()


def test_work_accident_insurance_is_not_regional_safety() -> None:
    # Safety cooperation with another country is regional safety; an agreement on the
    # work-accident insurance of workers abroad (social security) is not.
    training = _story("t", "Pengawas Indonesia Belajar Investigasi Kecelakaan Kerja di Korea",
                      "Kemnaker mengirim 15 pengawas ke Seoul untuk pelatihan investigasi "
                      "kecelakaan kerja, bagian dari kerja sama dengan Kementerian Tenaga "
                      "Kerja Korea.")
    insurance = _story("i", "RI dan Malaysia Sepakati Jaminan Kecelakaan Kerja Pekerja",
                       "Kedua negara menyepakati kerja sama agar pekerja Indonesia di Malaysia "
                       "terdaftar pada jaminan kecelakaan kerja.")
    predicted = predict([training, insurance], shipped())
    assert "k3-regional" in predicted["t"] and "k3-regional" not in predicted["i"]


def test_protection_frames_catch_a_case_however_the_worker_and_the_harm_are_named() -> None:
    # Sentences written for this test from the guide's frames, not taken from any set.
    fell = _fired("Pengasuh lansia terjatuh",
                  "Seorang warga Indramayu yang bekerja di Taiwan sebagai pengasuh lansia "
                  "terjatuh dari tangga rumah majikannya dan kini dirawat di Taichung.")
    scalded = _fired("Maid hospitalised",
                     "An Indonesian maid working in Singapore was hospitalised with burns; "
                     "police are questioning her employer.", "en")
    sheltered = _fired("Tiga TKW lari dari majikan",
                       "Tiga TKW asal Cianjur yang bekerja di Riyadh ditampung di KBRI setelah "
                       "lari dari rumah majikan pada malam hari.")
    regulation = _fired("Perda baru di NTB",
                        "DPRD NTB mengesahkan Perda tentang pelindungan pekerja migran asal NTB "
                        "yang bekerja di luar negeri, termasuk rumah singgah bagi PMI yang "
                        "dipulangkan.")
    for fired in (fell, scalded, sheltered, regulation):
        assert "perlindungan-kasus" in fired


def test_protection_frames_leave_out_home_accidents_perpetrators_and_goals() -> None:
    home = _fired("Buruh pabrik terluka",
                  "Seorang buruh pabrik di Bekasi terluka setelah terjatuh dari lantai dua "
                  "gudang; ia dirawat di rumah sakit setempat.")
    perpetrators = _fired("Dua pelaku ditangkap",
                          "Polisi menangkap dua pelaku yang menjanjikan pekerjaan di Malaysia "
                          "kepada calon pekerja migran; keduanya ditangkap di Batam.")
    goal = _fired("Pertemuan kelompok kerja",
                  "Indonesia dan Malaysia membahas jaminan sosial bagi pekerja migran Indonesia "
                  "dalam pertemuan kelompok kerja bersama di Kuala Lumpur.")
    for fired in (home, perpetrators, goal):
        assert "perlindungan-kasus" not in fired


def test_cooperation_is_caught_by_its_frames_not_by_past_phrases() -> None:
    # Written from the guide's definition, not from any labelled set: a regional government
    # meeting a foreign delegation on workers, a foreign labour ministry named in English or
    # Japanese, a convention urged by number. A minister's domestic visit is not diplomacy.
    regional = _story("r", "Gubernur Jateng bertemu delegasi Prefektur Aichi",
                      "Gubernur Jawa Tengah bertemu delegasi Prefektur Aichi membahas "
                      "pengiriman perawat dan pemagangan ke Jepang.")
    english = _story("e", "Indonesia, Japan labour ministries hold talks",
                     "Officials from Japan's labour ministry and Indonesia's manpower ministry "
                     "met in Tokyo on Monday to discuss caregivers.")
    japanese = _story("j", "インドネシア労働相が厚生労働省を訪問",
                      "インドネシアの労働大臣が厚生労働省を訪問し、介護人材の受け入れについて"
                      "会談した。", language="ja")
    convention = _story("c", "DPR didesak ratifikasi Konvensi 188",
                        "Serikat awak kapal mendesak pemerintah meratifikasi Konvensi 188 "
                        "tentang pekerjaan dalam penangkapan ikan.")
    domestic = _story("d", "Menaker tinjau pelatihan kerja di Bekasi",
                      "Menteri Ketenagakerjaan meninjau balai latihan kerja di Bekasi dan "
                      "membahas program magang dengan perusahaan.")
    predicted = predict([regional, english, japanese, convention, domestic], shipped())
    for story in "rejc":
        assert "kerja-sama-ketenagakerjaan" in predicted[story], story
    assert predicted["d"] == set()


def test_regional_safety_is_caught_by_its_frames_and_a_national_month_is_not() -> None:
    # Global data named by a body, safety cooperation with a foreign safety council, a
    # safety convention by number: regional safety. A national safety month and a site
    # accident at home are not.
    data = _story("g", "ILO: jutaan pekerja tewas setiap tahun",
                  "ILO memperkirakan hampir tiga juta pekerja meninggal setiap tahun di seluruh "
                  "dunia akibat kecelakaan dan penyakit akibat kerja.")
    council = _story("s", "Indonesia dan Singapura berbagi pengalaman K3 konstruksi",
                     "Kemnaker dan Workplace Safety and Health Council Singapura sepakat "
                     "berbagi pengalaman keselamatan kerja di sektor konstruksi.")
    convention = _story("c", "Pemerintah kaji ratifikasi Konvensi 187",
                        "Pemerintah mengkaji ratifikasi Konvensi 187 tentang kerangka promosi "
                        "keselamatan dan kesehatan kerja.")
    month = _story("m", "Kemnaker gelar Bulan K3 Nasional",
                   "Kementerian Ketenagakerjaan membuka Bulan K3 Nasional dan mengajak "
                   "perusahaan menekan angka kecelakaan kerja.")
    site = _story("a", "Pekerja pabrik tewas tertimpa mesin",
                  "Seorang pekerja pabrik di Karawang tewas tertimpa mesin; polisi memeriksa "
                  "penerapan keselamatan kerja di lokasi.")
    predicted = predict([data, council, convention, month, site], shipped())
    for story in "gsc":
        assert "k3-regional" in predicted[story], story
    assert "k3-regional" not in predicted["m"] | predicted["a"]


def test_trafficking_frames_catch_new_wordings_and_not_a_job_fraud() -> None:
    # Tenth revision: each frame's slots are families, so wordings no set used still meet.
    foiled = _fired("Imigrasi tunda keberangkatan",
                    "Petugas imigrasi di Bandara Kualanamu menunda keberangkatan tujuh WNI yang "
                    "mengaku hendak berlibur ke Phnom Penh; mereka dijanjikan pekerjaan oleh "
                    "kenalan di media sosial.")
    debt = _fired("Crew in debt",
                  "Six Indonesian deckhands said they were debt-bonded to a broker in Busan "
                  "who took half of every month's pay aboard the longliner off Korea.", "en")
    entered = _fired("Masuk lewat hutan",
                     "Sebelas warga Sambas yang masuk secara ilegal ke Sarawak untuk bekerja di "
                     "kebun ditangkap aparat Malaysia pekan lalu, kata KJRI Kuching.")
    fraud = _fired("Uang lenyap, tak pernah terbang",
                   "Dua puluh warga Cilacap tertipu tawaran kerja ke Korea: mereka menyetor "
                   "puluhan juta rupiah, tetapi keberangkatan tak kunjung terjadi dan perekrutnya "
                   "menghilang.")
    assert "perdagangan-orang" in foiled & debt & entered
    assert "perdagangan-orang" not in fraud


def test_a_destination_regime_is_bound_to_foreign_workers_and_the_destination() -> None:
    # A destination's rule counts when it is about its foreign workers, the destination is named
    # beside them and Indonesians are in the story; the same words about foreign workers in
    # Indonesia, or a scheme described with nobody Indonesian, do not.
    regime = _fired("Singapura naikkan levi",
                    "Kementerian Tenaga Kerja Singapura menaikkan levi untuk pekerja asing di "
                    "sektor konstruksi mulai Januari; agensi di Batam menyebut ribuan PMI "
                    "terdampak.")
    described = _fired("Jalur pekerja terampil",
                       "Pemkab Kendal membuka pendaftaran program pekerja berketerampilan "
                       "khusus ke Jepang bagi lulusan SMK di LPK mitra.")
    at_home = _fired("Kuota TKA diperketat",
                     "Kemnaker memperketat kuota pekerja asing di smelter Morowali; TKA asal "
                     "Tiongkok wajib memiliki RPTKA.")
    assert "program-negara-tujuan" in regime & described
    assert "program-negara-tujuan" not in at_home


def test_eleventh_revision_trafficking_reads_syndicates_sea_labour_and_tourist_visas() -> None:
    # Eleventh revision: a syndicate that recruits and sends is a recruiter; forced labour at
    # sea is named by its signs (forced, wages held, passports held, endless hours); a worker
    # who came on a tourist visa is not a tourist; foreigners on visit visas in Bali are a trap.
    ring = _fired("Sindikat diringkus",
                  "Polisi Sabah meringkus sindikat yang merekrut warga Flores dan "
                  "menyeberangkan mereka lewat jalur tidak resmi ke Tawau untuk bekerja di "
                  "kebun sawit.")
    sea = _fired("Awak kapal minta pulang",
                 "Enam awak kapal asal Cirebon di kapal tuna berbendera Vanuatu mengadu gaji "
                 "mereka ditahan dan paspor dipegang kapten selama setahun.")
    visa = _fired("Terjebak di Riyadh",
                  "Tiga warga Lombok yang berangkat dengan visa turis bekerja di rumah "
                  "majikan di Riyadh tanpa izin kerja dan kini ditahan imigrasi Saudi.")
    bali = _fired("Bule diawasi",
                  "Imigrasi Denpasar mengawasi warga negara asing pemegang visa kunjungan yang "
                  "bekerja untuk klien di luar negeri dari kafe di Ubud.")
    assert "perdagangan-orang" in ring & sea & visa
    assert "perdagangan-orang" not in bali


def test_eleventh_revision_a_destination_authority_changing_its_rule_is_a_programme() -> None:
    # A destination's labour authority setting or changing a rule on its foreign workers,
    # their agencies or fees is the destination's regime; Indonesia's own fee rules, and an
    # everyday "triple win", are not.
    rule = _fired("Makau batasi biaya agensi",
                  "Pemerintah Makau melarang agen tenaga kerja menarik lebih dari separuh gaji "
                  "pertama; paguyuban PMI di Makau menyambut aturan itu.")
    care = _fired("Aged care visas", "Britain will widen its care visa route so that "
                  "Indonesian aged-care workers can be recruited by nursing homes.", "en")
    home = _fired("Biaya ke Taiwan",
                  "Pekerja pabrik di Taiwan asal Indonesia membayar biaya agensi yang tinggi, "
                  "padahal peraturan menteri di Jakarta membatasi komponen biaya.")
    phrase = _fired("Tiga untung",
                    "Bupati menyebut program kebun kopi itu triple win bagi petani, daerah dan "
                    "pembeli.")
    assert "program-negara-tujuan" in rule & care
    assert "program-negara-tujuan" not in home | phrase


def test_placement_frames_read_a_stage_of_the_route_in_the_headline_or_a_sentence() -> None:
    # The tenth revision's frames: a stage of the route (send-off, recruitment) bound to
    # workers going abroad, in the headline or within a sentence, even where the text also
    # names a memorandum or a deportation elsewhere (the older branches' whole-text guards).
    headline = _story("t", "Wali Kota Madiun Melepas 40 Calon Pekerja Migran ke Hungaria",
                      "Sebanyak 40 lulusan SMK berangkat pekan ini setelah tiga bulan belajar "
                      "di balai pelatihan. Wali kota juga menyinggung MoU kota kembar yang "
                      "diteken tahun lalu dengan sebuah kota di Eropa.")
    sentence = _story("n", "Catatan Akhir Tahun Dinas Tenaga Kerja",
                      "Dinas mencatat 1.200 pencari kerja terserap industri lokal. Selain itu, "
                      "rekrutmen calon pekerja migran untuk pabrik di Polandia dibuka di "
                      "sepuluh kecamatan. Pada tahun yang sama, dua warga yang dideportasi "
                      "dari Malaysia dibantu pulang.")
    predicted = predict([headline, sentence], shipped())
    assert "penempatan" in predicted["t"] and "penempatan" in predicted["n"]


def test_placement_frames_do_not_read_a_body_sent_home_or_a_foiled_departure() -> None:
    body = _story("b", "Pengiriman Jenazah PMI Asal Kendal Tertunda Tiga Pekan",
                  "Keluarga menunggu pengiriman jenazah pekerja migran yang meninggal di "
                  "Kaohsiung, Taiwan. Agen di Taiwan belum menyelesaikan dokumen kematian.")
    foiled = _story("f", "Imigrasi Tunda Keberangkatan 12 Calon Pekerja Tujuan Oman",
                    "Petugas imigrasi menunda keberangkatan 12 calon pekerja migran yang "
                    "mengaku hendak berlibur ke Oman. Mereka diserahkan ke BP3MI untuk didata.")
    predicted = predict([body, foiled], shipped())
    assert "penempatan" not in predicted["b"] and "penempatan" not in predicted["f"]


def test_eleventh_revision_reads_a_foreign_labour_authority_however_it_is_named() -> None:
    # Sentences written for this test from the guide, not taken from any set: a partner's
    # ministry named as Indonesia names its own, a minister named by the full Japanese title,
    # an embassy training workers with the host's safety department, a fishing convention
    # urged by the House in English. A bill agreed in the legislature is not a dealing.
    named = _fired("RI dan Swedia teken rencana kerja",
                   "Kemnaker dan Kementerian Ketenagakerjaan Swedia menandatangani rencana kerja "
                   "tentang inspeksi ketenagakerjaan.")
    title = _fired("Menaker terima tamu dari Tokyo",
                   "Menteri Ketenagakerjaan menerima Menteri Kesehatan, Tenaga Kerja dan "
                   "Kesejahteraan Jepang; keduanya membahas perawat dan pemagangan.")
    safety = _fired("KBRI latih pekerja perkebunan",
                    "KBRI Kuala Lumpur bersama Jabatan Keselamatan dan Kesihatan Pekerjaan "
                    "(JKKP) menggelar pelatihan keselamatan kerja bagi buruh sawit asal "
                    "Indonesia di Selangor.")
    convention = _fired("House urged to ratify C189",
                        "Rights groups urged the House of Representatives to ratify the "
                        "Domestic Workers Convention for Indonesians employed as maids.", "en")
    bill = _fired("Baleg sepakati RUU",
                  "Badan Legislasi DPR menyepakati revisi UU pelindungan pekerja migran masuk "
                  "Prolegnas; pekerja di luar negeri akan mendapat pengacara.")
    for fired in (named, title, safety, convention):
        assert "kerja-sama-ketenagakerjaan" in fired
    assert "kerja-sama-ketenagakerjaan" not in bill


def test_eleventh_revision_reads_a_migrant_study_and_two_governments_on_safety() -> None:
    study = _fired("Survei: perawat lansia di Jepang alami cedera",
                   "Survei peneliti Universitas Airlangga terhadap perawat lansia asal "
                   "Indonesia di Jepang menemukan banyak yang mengalami cedera punggung dan "
                   "kelelahan karena jam kerja malam.")
    governments = _fired("Korea dan RI bahas keselamatan pekerja konstruksi",
                         "Dalam pertemuan kedua pemerintah di Seoul, pejabat Korea dan Indonesia "
                         "membahas keselamatan kerja pekerja konstruksi asing.")
    for fired in (study, governments):
        assert "k3-regional" in fired


def test_eleventh_revision_umbrella_reads_workers_by_home_and_mission() -> None:
    home = _fired("Buruh asal Sambas terluka",
                  "Seorang buruh bangunan asal Sambas terluka saat bekerja di proyek "
                  "apartemen di Kuching, Sarawak.")
    mission = _fired("Gaji belum dibayar",
                     "KJRI Dubai mendampingi seorang pengasuh yang sudah empat bulan tidak "
                     "menerima gaji dari keluarga tempatnya bekerja.")
    returned = _fired("Rumah singgah bagi yang dipulangkan",
                      "Pemkab Lombok Timur menyiapkan rumah singgah bagi warga yang dipulangkan "
                      "dari luar negeri tanpa ongkos pulang ke desanya.")
    english = _fired("Remittances rise", "Indonesians working in Taiwan sent home more money "
                     "this year, the central bank said.", "en")
    for fired in (home, mission, returned, english):
        assert "pekerja-migran" in fired


def test_eleventh_revision_umbrella_leaves_out_slogans_nomads_and_students() -> None:
    slogan = _fired("Skema triple win tambang",
                    "Bupati menyebut tambang emas itu skema triple win bagi daerah, investor "
                    "dan warga.")
    nomads = _fired("Imigrasi awasi pekerja remote",
                    "Imigrasi mengawasi warga negara asing yang bekerja untuk perusahaan di luar "
                    "negeri dari vila di Ubud dengan visa kunjungan.")
    students = _fired("印尼學生來台", "台灣大學今年招收三百名印尼籍學生，校方舉行歡迎會。", "zh")
    others = _fired("Israel rekrut pekerja dari India",
                    "Israel merekrut ribuan pekerja bangunan dari India untuk proyek di Timur "
                    "Tengah.")
    for fired in (slogan, nomads, students, others):
        assert "pekerja-migran" not in fired


def test_eleventh_revision_protection_reads_withheld_wages_custody_and_returns() -> None:
    # Sentences written for this test from the guide, not taken from any set: withheld
    # wages, immigration custody, and workers sent home from a destination (the text also
    # says "ke daerah asal", which alone reads as a domestic return).
    wages = _fired("Perawat lansia di Hong Kong",
                   "Perawat lansia asal Blitar di Hong Kong mengaku gajinya ditahan majikan "
                   "selama empat bulan.")
    custody = _fired("Workers detained in Penang",
                     "Nineteen Indonesians found at a plantation in Penang, Malaysia, were "
                     "handed to immigration after the raid, officers said.", "en")
    returned = _fired("Ratusan warga pulang dengan kapal",
                      "Sebanyak 300 warga Indonesia yang bekerja tanpa izin di Sabah "
                      "dipulangkan lewat Nunukan, lalu diantar ke daerah asal masing-masing.")
    for fired in (wages, custody, returned):
        assert "perlindungan-kasus" in fired


def test_eleventh_revision_protection_leaves_out_fishermen_and_recruiters_tried() -> None:
    fishermen = _fired("Nelayan asal Aceh ditangkap di perairan Thailand",
                       "Dua kapal nelayan asal Aceh ditangkap patroli Thailand; 14 nelayan "
                       "dipulangkan dari Thailand pekan depan.")
    tried = _fired("Pengirim warga ke Myanmar dituntut",
                   "Terdakwa didakwa merekrut delapan warga Sukabumi untuk bekerja di "
                   "Myanmar; sidang di pengadilan negeri dilanjutkan pekan depan.")
    for fired in (fishermen, tried):
        assert "perlindungan-kasus" not in fired


def test_eleventh_revision_placement_reads_medical_checks_and_sponsors_not_messages() -> None:
    clinic = _fired("Klinik pemeriksa calon PMI ditutup",
                    "Dinas Kesehatan menutup klinik yang memalsukan hasil pemeriksaan "
                    "kesehatan calon PMI tujuan Hong Kong.")
    graduates = _fired("Pemprov kirim lulusan SMK",
                       "Gubernur menyebut perekrutan lulusan SMK untuk hotel di Qatar dibuka "
                       "bulan depan bersama pemerintah provinsi.")
    message = _fired("ABK kirim pesan dari kapal",
                     "Awak kapal asal Pemalang di kapal berbendera Taiwan mengirim pesan "
                     "kepada keluarga bahwa gaji mereka belum dibayar; Kementerian P2MI "
                     "menerima laporan itu.")
    foreign = _fired("Malaysia buka perekrutan pekerja asing sektor perkebunan",
                     "Malaysia membuka lagi perekrutan pekerja asing untuk perkebunan; "
                     "Indonesia termasuk negara sumber yang diizinkan.")
    assert "penempatan" in clinic and "penempatan" in graduates
    assert "penempatan" not in message and "penempatan" not in foreign


def test_twelfth_revision_cooperation_reads_regional_parties_the_ilo_office_and_labour_subjects(
) -> None:
    regional = _fired("UN Women dan Pemkab Cilacap gelar program",
                      "IOM bersama Pemerintah Kabupaten Cilacap meluncurkan program pendampingan "
                      "keluarga buruh migran di tiga kecamatan.")
    office = _fired("Kemitraan baru dengan ILO",
                    "Pemerintah dan Organisasi Perburuhan Internasional menandatangani kerja sama "
                    "perluasan perlindungan bagi pekerja platform digital.")
    inspection = _fired("RI dan Thailand tukar pengalaman",
                        "Kedua negara sepakat bertukar pengawas ketenagakerjaan untuk memperkuat "
                        "pengawasan ketenagakerjaan di pabrik garmen, kata pejabat Indonesia.")
    workers = _fired("Kelompok kerja RI–Brunei bertemu",
                     "Kelompok kerja bersama Indonesia dan Brunei menyepakati kontrak baku bagi "
                     "pekerja Indonesia di sektor konstruksi Brunei.")
    for fired in (regional, office, inspection, workers):
        assert "kerja-sama-ketenagakerjaan" in fired
    # Inspectors trained at a regional course: no dealing between two governments.
    course = _fired("Pengawas ASEAN ikuti kursus",
                    "Pengawas ketenagakerjaan dari negara-negara ASEAN mengikuti kursus "
                    "pengawasan ketenagakerjaan di Bangkok selama dua pekan.")
    assert "kerja-sama-ketenagakerjaan" not in course


def test_twelfth_revision_safety_reads_a_safety_agency_by_name_and_injuries_in_a_study() -> None:
    pact = _fired("Japan safety body to train Indonesian inspectors",
                  "Japan's Industrial Safety and Health Association signed an agreement with "
                  "Indonesia's manpower ministry to train factory inspectors in risk "
                  "assessment.", "en")
    study = _fired("Study: Indonesian builders in Malaysia often injured",
                   "Researchers found that Indonesian workers on Malaysian building sites were "
                   "injured twice as often as local staff.", "en")
    assert {"k3-regional", "kerja-sama-ketenagakerjaan"} <= pact
    assert "k3-regional" in study


def test_twelfth_revision_umbrella_reads_epithets_sending_and_job_lures() -> None:
    epithet = _fired("Kursus bahasa Korea gratis",
                     "Disnaker membuka kursus bagi pemuda yang ingin bekerja di Negeri Ginseng.")
    sending = _fired("Pemprov jajaki kerja sama",
                     "Pemprov Jawa Tengah menjajaki pengiriman tenaga kerja perhotelan ke Qatar.")
    lure = _fired("Twelve Indonesians rescued",
                  "Twelve Indonesians lured with promises of hotel jobs were found locked in a "
                  "flat in Johor, Malaysia, the embassy said.", "en")
    for fired in (epithet, sending, lure):
        assert "pekerja-migran" in fired
    medics = _fired("Relawan medis berangkat",
                    "Dokter dan perawat relawan dari Indonesia diberangkatkan ke Kairo untuk "
                    "misi kemanusiaan.")
    round_up = _fired("Musrenbang kabupaten",
                      "Dalam Musrenbang, Bappeda mencatat usulan jalan desa, air bersih dan "
                      "pelatihan bagi calon pekerja migran.")
    posted = _fired("Mutasi perwira",
                    "Sejumlah perwira ditempatkan di Korea sebagai atase pertahanan.")
    for fired in (medics, round_up, posted):
        assert "pekerja-migran" not in fired


def test_twelfth_revision_protection_reads_workers_by_home_mission_and_status() -> None:
    # Sentences written for this test from the guide, not taken from any set: a worker named
    # by home district with the Indonesian mission by its generic name, undocumented workers
    # named by their noun, victims helped by their consulate in Chinese, and "migrant
    # workers" with Indonesia named only by its places.
    home = _fired("Buruh pabrik di Daegu terluka",
                  "Seorang buruh asal Brebes terluka saat mesin potong macet di pabrik di "
                  "Daegu; perwakilan RI di Seoul mengurus klaim asuransi kecelakaan kerja.")
    undocumented = _fired("Speedboat karam di Selat Malaka",
                          "Speedboat yang membawa warga Indonesia karam di perairan Johor; "
                          "para penumpang diduga pekerja ilegal yang hendak ke Malaysia.")
    victims = _fired("印尼女子獲救", "警方破獲集團，救出三名印尼受害人，印尼總領事館派員協助返國。",
                     "zh")
    places = _fired("Caregiver freed from prison returns home",
                    "A caregiver from Cirebon jailed in Riyadh landed at Soekarno-Hatta on "
                    "Friday, the migrant workers ministry said.", "en")
    for fired in (home, undocumented, victims, places):
        assert "perlindungan-kasus" in fired


def test_twelfth_revision_protection_leaves_out_policy_abuse_rules_and_surveys() -> None:
    policy = _fired("Indonesia and Qatar to discuss domestic workers",
                    "Indonesia will ask Qatar for stronger safeguards against abuse of "
                    "domestic workers when officials meet next month.", "en")
    rule = _fired("Taiwan larang majikan menahan paspor pekerja",
                  "Aturan baru Taiwan melarang majikan menahan paspor pekerja rumah tangga, "
                  "termasuk pekerja asal Indonesia yang bekerja di sana.")
    survey = _fired("Survey of fishing crews",
                    "A survey of Indonesian crew on Korean boats found four in ten injured at "
                    "least once, researchers said, with respondents citing long hours.", "en")
    for fired in (policy, rule, survey):
        assert "perlindungan-kasus" not in fired


def test_twelfth_revision_placement_reads_an_agent_hunted_an_intake_memo_and_agency_fees() -> None:
    agent = _fired("Dijanjikan kerja di Brunei, empat pemuda telantar",
                   "Seorang agen menjanjikan pekerjaan di Brunei kepada empat pemuda yang "
                   "berangkat dengan visa kunjungan; polisi kini memburu agen itu.")
    memo = _fired("長野県とジャワ州が覚書",
                  "長野県はインドネシアの州と介護人材の受け入れに関する覚書を結んだ。", "ja")
    fees = _fired("Singapura wajibkan agensi umumkan biaya",
                  "Kementerian Tenaga Kerja Singapura mewajibkan agensi mengumumkan biaya yang "
                  "dipungut dari pekerja Indonesia dan majikan.")
    for fired in (agent, memo, fees):
        assert "penempatan" in fired


def test_twelfth_revision_placement_leaves_out_staff_sent_home_crews_and_passing_mentions() -> None:
    staff = _fired("Tiga pekerja terluka di Jeddah",
                   "Tiga pekerja asal Indonesia terluka dalam kebakaran asrama di Jeddah; KBRI "
                   "mengirim staf ke rumah sakit.")
    crews = _fired("Tekong kapal penyeberangan wajib pelatihan",
                   "Syahbandar mewajibkan tekong dan awak kapal penyeberangan di Pulau Seribu "
                   "mengikuti pelatihan keselamatan dan memiliki izin.")
    inspectors = _fired("Japan to train labour inspectors",
                        "Japan will provide training for Indonesian inspectors under a safety "
                        "programme, officials in Jakarta said.", "en")
    passing = _fired("Bupati paparkan program tahunan",
                     "Bupati menyinggung pelatihan calon pekerja migran di antara belasan "
                     "program lain, dari jalan desa hingga air bersih.")
    for fired in (staff, crews, inspectors, passing):
        assert "penempatan" not in fired


def test_twelfth_revision_a_programme_is_the_destinations_scheme_not_indonesias_process() -> None:
    # Twelfth revision: the destination's scheme or rule makes a programme story; Indonesia's
    # own recruiting, training or send-off of nurses and carers does not, nor does a scheme
    # named as the background of a worker lost at sea or of a raid.
    farm = _fired("Petik buah di Queensland",
                  "Kelompok kedua warga Indonesia berangkat memakai visa pertanian Australia "
                  "untuk memetik mangga di Queensland selama sembilan bulan.")
    holiday = _fired("Visa bekerja sambil berlibur",
                     "Australia menambah jatah visa bekerja sambil berlibur bagi warga "
                     "Indonesia berusia 18 sampai 30 tahun.")
    fees = _fired("Taiwan kaji biaya agensi",
                  "Kementerian Tenaga Kerja Taiwan menyiapkan penghapusan biaya layanan "
                  "bulanan agensi bagi pekerja pabrik asal Indonesia.")
    sendoff = _fired("Bupati lepas perawat ke Jerman",
                     "Bupati Klaten melepas 40 perawat yang akan bekerja di panti wreda di "
                     "Jerman setelah kursus bahasa Jerman delapan bulan.")
    lost = _fired("선원 바다에 빠져",
                  "인도네시아 선원이 어선에서 바다에 빠져 실종됐다. 그는 고용허가제로 "
                  "입국했다.", "ko")
    raid = _fired("Razia di Johor",
                  "Imigresen Johor menahan 40 WNI yang bekerja tanpa permit; KJRI menyarankan "
                  "mereka ikut program pemulangan sukarela Malaysia.")
    assert "program-negara-tujuan" in farm & holiday & fees
    assert "program-negara-tujuan" not in sendoff | lost | raid


def test_twelfth_revision_trafficking_reads_english_deception_and_cjk_forced_prostitution() -> None:
    # Deception named in English by its verb and its signs; forced prostitution in Chinese;
    # workers without papers named only as a subject of regional talks are not a case.
    lured = _fired("Held in Klang",
                   "Nine Indonesians lured by offers of restaurant work in Malaysia said a broker "
                   "had kept their passports and locked them in a flat.", "en")
    forced = _fired("印尼女子獲救", "警方救出三名被誘騙來台賣淫的印尼女子。", "zh")
    talks = _fired("ASEAN bahas data pekerja",
                   "Delegasi Indonesia di forum ASEAN mengusulkan basis data bersama tentang "
                   "pekerja migran tanpa dokumen di negara anggota.")
    assert "perdagangan-orang" in lured & forced
    assert "perdagangan-orang" not in talks


def test_fourteenth_revision_pekerja_migran_reads_foreign_workers_crews_trades_and_papers(
) -> None:
    # Sentences written for this test from the guide, not taken from any set: a destination's
    # "foreign workers" that include Indonesians, crews named "asal Indonesia" abroad, farm and
    # seasonal trades, English trafficking with a demonym, Korean undocumented stays.
    quota = _fired("Singapura perketat kuota pekerja asing",
                   "Kementerian Tenaga Manusia Singapura memangkas kuota pekerja asing di sektor "
                   "galangan kapal, yang sebagian besar berasal dari Indonesia, mulai Juli.")
    crew = _fired("Kapal tuna terbakar di Busan",
                  "Dua ABK asal Indonesia luka bakar saat kapal tuna terbakar di pelabuhan Busan, "
                  "Korea; KBRI Seoul mendampingi keduanya.")
    picker = _fired("Pemetik stroberi asal Indonesia di Selandia Baru",
                    "Sebanyak 40 pekerja musiman asal Indonesia memetik stroberi di Selandia "
                    "Baru selama musim panen.")
    ring = _fired("Thai agent charged",
                  "A Thai broker was charged with trafficking nine Indonesian women he had "
                  "promised jobs in restaurants.", "en")
    korean = _fired("인도네시아인 불법취업 적발",
                    "인도네시아 국적 미등록 체류자 12명이 농장에서 불법취업하다 적발됐다.", "ko")
    for fired in (quota, crew, picker, ring, korean):
        assert "pekerja-migran" in fired


def test_fourteenth_revision_pekerja_migran_leaves_out_remittance_asides_brides_and_fans(
) -> None:
    # Passing mentions (the guide's step 2): remittances as one clause of an economic round-up
    # or a price story; marriage-pretext trafficking (the guide: not labour migration); fans of
    # a national team abroad; a conference held somewhere abroad about workers in general.
    roundup = _fired("Ekonomi Sumbawa tumbuh 5 persen",
                     "Bupati menyebut pertumbuhan ditopang panen jagung, pariwisata dan kiriman "
                     "uang warga yang bekerja di luar negeri. Pekan depan digelar pasar murah.")
    prices = _fired("Harga beras naik di Cirebon",
                    "Pedagang mengatakan pembeli tetap ramai, termasuk keluarga yang menerima "
                    "kiriman dari anak yang bekerja di Taiwan.")
    bride = _fired("Perempuan Jepara dijual lewat kawin kontrak",
                   "Polisi membongkar jaringan yang menjual perempuan ke Tiongkok dengan modus "
                   "kawin kontrak; KBRI Beijing memulangkan dua korban yang dipaksa bekerja.")
    fans = _fired("インドネシア代表、大阪で試合",
                  "サッカーのインドネシア代表が大阪で試合を行い、関西に住むインドネシア人"
                  "サポーターが声援を送った。", "ja")
    forum = _fired("Seminar ergonomi di Kuala Lumpur",
                   "Seminar ergonomi se-Asia Tenggara di Kuala Lumpur membahas nyeri punggung "
                   "pekerja pabrik.")
    for fired in (roundup, prices, bride, fans, forum):
        assert "pekerja-migran" not in fired
    # A remittance story about the workers themselves, with more than one place abroad.
    village = _fired("Desa dari Ringgit",
                     "Rumah-rumah di desa itu dibangun dari kiriman uang warga yang bekerja di "
                     "Malaysia dan Hong Kong; separuh keluarga punya anggota di luar negeri.")
    assert "pekerja-migran" in village


def test_fourteenth_revision_kerja_sama_reads_launches_renewals_pairs_and_english_sending(
) -> None:
    # An international body with Indonesia named in English, a renewal signed by the two
    # ministers, two governments named as a pair, sending and taking in workers in English,
    # labour officials meeting on safety in an ASEAN network.
    launch = _fired("IOM and Indonesia roll out reintegration scheme",
                    "The International Organization for Migration and Indonesia launched a "
                    "programme to train returnees in Central Java.", "en")
    renewal = _fired("Labour pact renewed",
                     "The arrangement between Indonesia and Vietnam on industrial relations and "
                     "labour inspection was renewed by the two labour ministers.", "en")
    pair = _fired("RI-Belanda sepakati pelatihan kerja",
                  "Pemerintah Indonesia dan Belanda menandatangani pernyataan bersama tentang "
                  "pelatihan vokasi bagi instruktur BLK.")
    sending = _fired("Jakarta, Seoul sign deal",
                     "Indonesia and Korea signed a memorandum on sending shipyard workers under "
                     "a new visa.", "en")
    safety = _fired("ASEAN-OSHNET meets in Hanoi",
                    "Labour officials of the ASEAN Occupational Safety and Health Network met in "
                    "Hanoi and agreed on common scaffolding rules; Indonesia chairs next year.",
                    "en")
    for fired in (launch, renewal, pair, sending, safety):
        assert "kerja-sama-ketenagakerjaan" in fired
    # An employer agreeing to pay a worker, a provincial budget agreed in the legislature, two
    # countries signing an energy deal in an article that elsewhere mentions vocational training.
    employer = _fired("Helper wins back pay",
                      "The employer agreed at the Labour Tribunal to pay an Indonesian helper in "
                      "Hong Kong her unpaid wages.", "en")
    budget = _fired("DPRD sepakati anggaran pelatihan",
                    "Badan Anggaran DPRD menyepakati biaya pelatihan bahasa bagi calon pekerja "
                    "migran ke Jepang dan Korea dari APBD.")
    energy = _fired("Jepang dan Indonesia teken kerja sama energi",
                    "Jepang dan Indonesia menandatangani kerja sama transisi energi. Di tempat "
                    "lain, pemerintah provinsi menambah pelatihan vokasi untuk lulusan SMK.")
    for fired in (employer, budget, energy):
        assert "kerja-sama-ketenagakerjaan" not in fired


def test_fourteenth_revision_k3_regional_reads_work_related_harm_reports_conferences_guides(
) -> None:
    # "Work-related" in its Indonesian forms with the ILO or WHO, a report by a research body
    # on Indonesian crews abroad, a regional safety conference, a foreign government's safety
    # guide for Indonesian workers.
    harm = _fired("WHO dan ILO: cedera terkait pekerjaan",
                  "Organisasi Kesehatan Dunia mencatat jutaan pekerja cedera akibat kecelakaan "
                  "yang berkaitan dengan pekerjaan setiap tahun.")
    report = _fired("Laporan LSM soroti ABK",
                    "Laporan organisasi buruh internasional mencatat puluhan kecelakaan yang "
                    "melukai awak kapal asal Indonesia di kapal berbendera Korea.")
    conference = _fired("Kongres K3 internasional di Seoul",
                        "Kongres keselamatan dan kesehatan kerja internasional di Seoul membahas "
                        "robot di pabrik.")
    guide = _fired("Taiwan bagikan buku saku keselamatan",
                   "Pemerintah Taiwan membagikan buku saku keselamatan kerja berbahasa Indonesia "
                   "kepada pengasuh dan buruh pabrik.")
    for fired in (harm, report, conference, guide):
        assert "k3-regional" in fired
    # A single accident abroad, a police report, and a domestic safety seminar: no regional frame.
    accident = _fired("TKI jatuh dari perancah di Johor",
                      "Seorang TKI asal Lombok cedera setelah jatuh dari perancah di Johor; "
                      "laporan polisi sudah dibuat.")
    seminar = _fired("Seminar K3 di Cilegon",
                     "Disnaker menggelar seminar keselamatan kerja bagi pekerja pabrik baja di "
                     "Cilegon.")
    for fired in (accident, seminar):
        assert "k3-regional" not in fired


def test_thirteenth_revision_umbrella_reads_crews_work_abroad_and_work_without_papers() -> None:
    # Sentences written for this test from the guide, not taken from any set: crews on a
    # foreign fleet named in Indonesian and in English without "Indonesian" next to the crew,
    # "kerja ke/di <destination>" in its plain informal form, and work without papers abroad.
    fleet = _fired("Serikat pelaut desak perlindungan",
                   "Ratusan ABK asal Indonesia di kapal-kapal asing di Samudra Hindia bekerja "
                   "hingga 20 jam sehari, kata serikat pelaut.")
    owned = _fired("Agency boss held over crew abuse",
                   "Police in Central Java arrested the owner of a manning agency that placed "
                   "young fishermen on Taiwanese-owned longliners.", "en")
    plain = _fired("Pendaftar program kerja ke Korea membludak",
                   "Ribuan pemuda Indramayu antre mendaftar program kerja ke Korea di kantor "
                   "dinas.")
    informal = _fired("Warga Sragen ingin kerja di Taiwan",
                      "Setelah lulus SMK, dia memilih kerja di Taiwan sebagai operator pabrik.")
    papers = _fired("Jenazah warga Sanggau dipulangkan",
                    "Almarhum selama tiga tahun bekerja di ladang sawit tanpa izin kerja; "
                    "keluarganya di Sanggau menunggu jenazah dari Sarawak.")
    caught = _fired("Puluhan warga ditangkap di Jeddah",
                    "Mereka kedapatan bekerja sebagai sopir setelah masa berlaku visanya habis "
                    "di Arab Saudi.")
    for fired in (fleet, owned, plain, informal, papers, caught):
        assert "pekerja-migran" in fired
    # A working visit, a navy seizing a foreign boat, a foreigner working without a permit in
    # Indonesia: no Indonesian working abroad.
    visit = _fired("Bupati kunjungan kerja ke Jepang",
                   "Bupati melakukan kunjungan kerja ke Jepang untuk promosi wisata.")
    seizure = _fired("Navy seizes foreign-flagged trawler",
                     "The Indonesian navy seized a foreign-flagged trawler for illegal fishing "
                     "near Natuna and detained its crew.", "en")
    foreigner = _fired("WNA ditangkap di Bali",
                       "Imigrasi menangkap seorang WNA asal Malaysia yang kedapatan bekerja "
                       "tanpa izin di sebuah kafe di Canggu.")
    for fired in (visit, seizure, foreigner):
        assert "pekerja-migran" not in fired


def test_thirteenth_revision_umbrella_leaves_out_pilgrims_sports_crowds_and_stray_places(
) -> None:
    pilgrims = _fired("Jemaah haji ilegal diamankan",
                      "Sejumlah warga negara Indonesia yang berangkat dengan visa kerja untuk "
                      "berhaji diamankan aparat Arab Saudi di Arafah.")
    crowd = _fired("Timnas menang di Kuala Lumpur",
                   "Timnas Indonesia menang 2-1 di Bukit Jalil; ribuan suporter, kebanyakan "
                   "pekerja Indonesia di Malaysia, bernyanyi sepanjang pertandingan.")
    # Two unrelated sentences: a work word and a destination only meet across a full stop.
    stray = _fired("Ringkasan ekonomi",
                   "Pemerintah memprioritaskan lulusan yang belum bekerja. Taiwan mencatat "
                   "ekspor tertinggi bulan ini.")
    for fired in (pilgrims, crowd, stray):
        assert "pekerja-migran" not in fired
    # Workers who are the story, at a match they organised, still count.
    league = _fired("Liga futsal pekerja migran di Hong Kong",
                    "Pekerja migran Indonesia di Hong Kong menggelar turnamen futsal; ratusan "
                    "penonton memadati lapangan.")
    assert "pekerja-migran" in league


def test_thirteenth_revision_cooperation_reads_authorities_signing_and_subjects_by_concept(
) -> None:
    manpower = _fired("RI-Singapura latih pengawas",
                      "Kemnaker dan Kementerian Tenaga Manusia Singapura sepakat melatih "
                      "bersama pengawas ketenagakerjaan di sektor galangan kapal.")
    minister = _fired("日インドネシア会談",
                      "厚生労働相はインドネシアの労働相と会談し、"
                      "介護人材の受け入れで協力することで一致した。", "ja")
    intent = _fired("Kemnaker dan Denmark teken pernyataan kehendak",
                    "Menteri Ketenagakerjaan dan Duta Besar Denmark menandatangani pernyataan "
                    "kehendak untuk memperkuat balai latihan kerja di Semarang.")
    regional = _fired("Pemprov NTT dan Sabah bertemu",
                      "Delegasi Pemerintah Provinsi NTT bertemu Ketua Menteri Sabah membahas "
                      "nasib pekerja asal NTT di ladang sawit.")
    for fired in (manpower, minister, intent, regional):
        assert "kerja-sama-ketenagakerjaan" in fired
    # An embassy agreeing with an employer in one case is protection; an NGO urging both
    # governments is no dealing between them.
    case = _fired("KBRI jemput PRT asal Cianjur",
                  "KBRI Riyadh bertemu majikan dan menyepakati pemulangan seorang asisten rumah "
                  "tangga asal Cianjur yang sakit; pengaduannya masuk lewat dinas.")
    appeal = _fired("Rights group urges action",
                    "A rights group urged both governments to register the children of "
                    "Indonesian workers in Malaysia.", "en")
    for fired in (case, appeal):
        assert "kerja-sama-ketenagakerjaan" not in fired


def test_thirteenth_revision_regional_safety_reads_heat_illness_and_workers_by_trade() -> None:
    heat = _fired("Heat puts outdoor workers at risk across ASEAN",
                  "Extreme heat is putting construction workers at risk across Southeast Asia, "
                  "an ILO report said.", "en")
    illness = _fired("ILO: work-related illness rising in Asia",
                     "Work-related illnesses now kill more people than accidents in Southeast "
                     "Asia, the ILO said.", "en")
    trades = _fired("Survey: Indonesian nurses in Japan report fatigue",
                    "A survey of Indonesian nurses in Japan found chronic fatigue and back "
                    "injuries on night shifts.", "en")
    for fired in (heat, illness, trades):
        assert "k3-regional" in fired
    # Work-accident insurance at a regional office is not regional safety.
    insurance = _fired("BPJS kantor regional bayar klaim",
                       "Kantor regional BPJS Ketenagakerjaan membayar klaim jaminan kecelakaan "
                       "kerja bagi korban kecelakaan di tempat kerja.")
    assert "k3-regional" not in insurance


def test_thirteenth_revision_protection_reads_workers_by_trade_place_lure_crew_and_aid() -> None:
    # Sentences written for this test from the guide, not taken from any set: the worker named
    # by trade next to a place abroad, by a job offer abroad, as a crew on a fishing vessel by
    # its catch and a foreign port; help named by the mission's aid; a fire at a dormitory.
    trade = _fired("Anak petani Ngawi diadili di Penang",
                   "Rudi, karyawan pabrik sarung tangan di Malaysia, ditahan polisi sejak "
                   "Maret; keluarganya di Ngawi menunggu kabar sidang.")
    driver = _fired("Keluarga sopir di Riyadh minta kepastian",
                    "Seorang sopir di Arab Saudi asal Cianjur dituduh mencuri mobil majikan dan "
                    "kini dipenjara; keluarga meminta bantuan hukum.")
    offered = _fired("Tergiur gaji tinggi, tiga pemuda Garut terjebak di Kamboja",
                     "Mereka ditawari pekerjaan sebagai admin di Kamboja, lalu disekap dan "
                     "minta dipulangkan; KBRI Phnom Penh sudah menerima laporan.")
    lured = _fired("Women lured to Dubai sheltered",
                   "Eleven Indonesian women offered jobs as cleaners in Dubai were abandoned "
                   "by their agent; the consulate has sheltered them.", "en")
    crew = _fired("Lima awak kapal tuna asal Tegal dipulangkan dari Fiji",
                  "Lima awak kapal penangkap tuna asal Tegal dipulangkan setelah gajinya "
                  "tidak dibayar selama sepuluh bulan di Suva, Fiji.")
    aid = _fired("Banjir di Kelantan, PMI dapat bantuan",
                 "KJRI Kota Bharu menyalurkan bantuan sembako kepada pekerja asal Indonesia "
                 "yang rumahnya terendam banjir di Malaysia.")
    fire = _fired("Asrama pekerja terbakar di Taoyuan",
                  "Asrama PMI di Taoyuan terbakar Sabtu malam; sebelas pekerja migran asal "
                  "Indonesia kehilangan paspor dan pakaian.")
    for fired in (trade, driver, offered, lured, crew, aid, fire):
        assert "perlindungan-kasus" in fired


def test_thirteenth_revision_protection_leaves_out_budgets_rules_frauds_and_studies() -> None:
    # A budget line, a destination's own rule, complaints that prompted a rule, a job fraud in
    # which nobody left (its owner unreachable), researchers' accident data, suspects of a
    # recruitment business: none is a particular worker in trouble abroad.
    budget = _fired("DPRD bahas RAPBD Cilacap",
                    "Rancangan APBD memuat pos anggaran untuk pendataan pekerja migran dan "
                    "bantuan pupuk bagi petani; fraksi meminta tambahan untuk jalan desa.")
    rule = _fired("Singapura wajibkan majikan beri hari libur",
                  "Pemerintah Singapura mewajibkan majikan memberi satu hari libur per pekan "
                  "kepada pekerja rumah tangga asing, termasuk pekerja asal Indonesia yang "
                  "kerap sakit karena kelelahan.")
    prompted = _fired("KDEI usulkan aturan cuti pengasuh di Taiwan",
                      "Usulan itu disampaikan setelah meningkatnya pengaduan pekerja asal "
                      "Indonesia di Taiwan tentang jam kerja panjang.")
    fraud = _fired("Korban LPK abal-abal lapor polisi",
                   "Puluhan warga yang dijanjikan kerja di Korea tak kunjung diberangkatkan; "
                   "pemilik LPK tidak bisa dihubungi sejak bulan lalu.")
    study = _fired("Riset: angka kecelakaan ABK Indonesia di kapal Taiwan tinggi",
                   "Peneliti memaparkan data bahwa puluhan awak kapal asal Indonesia tewas di "
                   "kapal ikan Taiwan dalam sepuluh tahun terakhir.")
    for fired in (budget, rule, prompted, fraud, study):
        assert "perlindungan-kasus" not in fired


def test_thirteenth_revision_perdagangan_orang_reads_expired_papers_demonyms_and_pretexts() -> None:
    # Thirteenth revision: irregular status is also named by papers that ran out (a dead
    # passport, an expired permit or pass), in CJK by undocumented work met by enforcement; the
    # destination by its demonym or nickname; a recruiter's deception by its pretext.
    expired = [
        _fired("Razia di Kuching", "Imigrasi Sarawak menahan 25 warga Indonesia yang visanya "
               "sudah kedaluwarsa saat bekerja di sebuah kilang papan di Sibu."),
        _fired("Dipulangkan lewat Entikong", "Belasan pekerja asal Sambas yang izin kerjanya "
               "habis ditangkap di ladang sawit Bintulu dan dideportasi pekan ini, kata KJRI."),
        _fired("Johor raid", "Malaysian immigration officers detained 30 Indonesians whose work "
               "permits had expired at a furniture factory in Muar."),
    ]
    cjk = [
        _fired("移民署查獲", "專勤隊在桃園查獲8名逾期居留的印尼籍移工在工地工作，將收容後遣返。"),
        _fired("단속", "법무부는 안산 공장에서 미등록 인도네시아 노동자 9명을 적발해 "
               "보호소로 이송했다."),
    ]
    undocumented = _fired("Life in the shadows", "Undocumented Indonesian labourers on Sabah "
                          "estates, many of whom crossed from Nunukan by speedboat, live in "
                          "fear of arrest, a church group said.")
    pretext = [
        _fired("Sindikat magang palsu", "Polisi menahan dua tersangka yang merekrut pemuda "
               "dengan dalih program kuliah sambil kerja di Taiwan; di sana mereka dipekerjakan "
               "di pabrik dengan upah dipotong."),
        _fired("Kedok pertukaran pelajar", "Jaringan itu memberangkatkan 60 pemuda ke Jepang "
               "berkedok pertukaran pelajar, lalu mereka bekerja di ladang tanpa izin kerja."),
    ]
    for names in [*expired, *cjk, undocumented, *pretext]:
        assert "perdagangan-orang" in names


def test_thirteenth_revision_perdagangan_orang_leaves_legal_workers_cases_to_protection(
) -> None:
    # Confinement by an employer, crews stranded by a bankrupt owner and wages owed under a
    # legal contract are protection cases (the guide's legal worker's dispute); a job fraud
    # in which nobody left is placement.
    employer = _fired("Dikurung majikan", "KBRI Kuwait menjemput seorang pekerja rumah tangga "
                      "asal Cianjur yang bekerja secara resmi dan dikurung majikannya selama "
                      "dua bulan di Jahra.")
    stranded = _fired("ABK telantar", "Dua puluh ABK asal Indonesia telantar di kapal ikan "
                      "berbendera Taiwan di Port Louis setelah pemilik kapal bangkrut.")
    contract = _fired("Gaji ABK dibayar", "Delapan awak kapal asal Indonesia di kapal tuna "
                      "berbendera Korea menerima gaji yang tertunggak enam bulan; mereka bekerja "
                      "dengan kontrak resmi.")
    fraud = _fired("Calo ditangkap", "Polisi menangkap calo yang menjanjikan pekerjaan di "
                   "Jepang dengan dalih magang, tetapi para korban tak kunjung diberangkatkan.")
    for names in (employer, stranded, contract, fraud):
        assert "perdagangan-orang" not in names


def test_thirteenth_revision_programme_reads_schemes_by_description_not_finance_or_pacts() -> None:
    # Thirteenth revision: the EPS scheme by its Indonesian name and its Korean-language test,
    # Germany's dual vocational training, a wage rule raised in Chinese; not EPS as earnings
    # per share, nor the contract terms of a protection pact under negotiation.
    permit = _fired("Kursus gratis bagi pencari kerja",
                    "Disnaker Cilacap melatih 150 pencari kerja asal Indonesia agar lulus tes "
                    "bahasa Korea untuk program izin kerja Korea Selatan.")
    dual = _fired("Lulusan SMK ke Jerman",
                  "Pemkab Kebumen membuka pendaftaran Ausbildung bagi lulusan SMK; Disnaker "
                  "menyiapkan kursus bahasa Jerman sebelum mereka berangkat.")
    wage = _fired("看護工薪資調升", "勞動部宣布外籍看護工薪資明年調升，印尼籍移工最多。", "zh")
    finance = _fired("Korean chipmaker's EPS beats forecasts",
                     "SK Hynix posted EPS of 3,100 won as earnings per share rose on memory "
                     "demand; Korean shares gained.", "en")
    pact = _fired("Jakarta, Riyadh negotiate domestic worker pact",
                  "Indonesian and Saudi officials held talks on a protection agreement for "
                  "domestic workers covering contracts and rest days.", "en")
    assert "program-negara-tujuan" in permit & dual & wage
    assert "program-negara-tujuan" not in finance | pact


def test_thirteenth_revision_placement_reads_fraud_targets_and_training_for_a_destination() -> None:
    # Thirteenth revision: a fake agency or training centre that takes money for jobs abroad
    # that never come; placement targets; a training centre preparing work in a named
    # destination; the recruiter named by the charge; English placements.
    fraud = _fired("Warga Cianjur lapor calo",
                   "Puluhan warga menyetor Rp 25 juta kepada seorang calo yang menjanjikan "
                   "pekerjaan di Taiwan, tetapi mereka tidak pernah diberangkatkan.")
    target = _fired("Gubernur pasang sasaran",
                    "Gubernur NTB menargetkan 2.000 perawat dan caregiver asal NTB bekerja di "
                    "Jepang tahun depan.")
    training = _fired("Pendaftar melonjak",
                      "Sebuah lembaga pelatihan kerja di Kediri kebanjiran peminat yang ingin "
                      "kerja ke Korea sebagai operator pabrik.")
    charged = _fired("Polisi tetapkan tersangka",
                     "Polres Sambas menetapkan seorang warga sebagai tersangka perekrutan ilegal "
                     "setelah 12 warga diseberangkan ke Sarawak tanpa dokumen.")
    english = _fired("Ministry sets placements goal",
                     "Indonesia's migrant workers ministry aims to place 250,000 workers abroad "
                     "and will license more recruiters.", "en")
    domestic = _fired("Pemkot targetkan serap tenaga kerja",
                      "Pemkot Bekasi menargetkan 5.000 pekerja terserap di kawasan industri "
                      "baru milik investor Jepang.")
    assert "penempatan" in fraud & target & training & charged & english
    assert "penempatan" not in domestic


def test_fourteenth_revision_perdagangan_orang_reads_visas_arranged_boats_stopped_and_amnesty(
) -> None:
    # Fourteenth revision: a visit visa bound to the one who sent (a calo, a sponsor) or to the
    # sending; trafficking named by its verb; a boat or car carrying the people stopped; and
    # the guide's "going home under" an amnesty: people without papers queuing or given travel
    # documents to go home.
    visa = [
        _fired("Lewat Riyadh", "Sebelas perempuan asal Karawang diberangkatkan ke Riyadh dengan "
               "visa ziarah oleh seorang sponsor, padahal penempatan ke sana masih dihentikan."),
        _fired("Dikirim ke Abu Dhabi", "Mereka dikirim ke Abu Dhabi memakai visa kunjungan "
               "wisata yang diurus penyalur di Bekasi, lalu bekerja di rumah-rumah warga."),
    ]
    verb = [
        _fired("Foreman convicted", "A court in Kota Kinabalu convicted a plantation foreman "
               "of trafficking six Indonesian women to work on estates near Keningau."),
        _fired("Dua tersangka", "Polisi menetapkan dua tersangka yang memperdagangkan perempuan "
               "asal Sukabumi ke Erbil dengan janji gaji besar."),
        _fired("Contractor held", "A Sabah labour contractor who brought in 20 men from Flores "
               "without work permits was arrested by immigration officers in Tawau."),
    ]
    stopped = [
        _fired("Pompong dihentikan", "Polair menghentikan perahu pompong berisi 17 calon PMI "
               "yang hendak menyeberang ke Tawau tanpa dokumen."),
        _fired("Boat intercepted", "Malaysian maritime officers intercepted a boat carrying 30 "
               "would-be workers from Batam bound for Johor."),
        _fired("Minibus di Entikong", "Polisi menghentikan minibus yang membawa sembilan calon "
               "pekerja migran tujuan Kuching di jalan menuju Entikong."),
    ]
    amnesty = [
        _fired("Antre di KJRI", "Ratusan PATI mengantre di KJRI Kota Kinabalu untuk pulang "
               "lewat program repatriasi sukarela yang dibuka Malaysia."),
        _fired("Saudi amnesty", "Thousands of Indonesian overstayers queued at the embassy in "
               "Riyadh for travel documents to go home under the amnesty."),
        _fired("SPLP di Kuching", "KJRI Kuching menerbitkan SPLP bagi 1.200 WNI tak berdokumen "
               "yang pulang melalui program pemutihan di Sarawak."),
    ]
    for names in [*visa, *verb, *stopped, *amnesty]:
        assert "perdagangan-orang" in names


def test_fourteenth_revision_perdagangan_orang_leaves_amnesty_policy_and_talks_alone() -> None:
    # An amnesty extended as a policy is the programme, and talks about employers hiring on
    # visit visas outside the one-channel system are cooperation and placement, not a case.
    policy = _fired("Rekalibrasi diperpanjang", "Malaysia memperpanjang program rekalibrasi; "
                    "pekerja tanpa izin dapat pulang dengan membayar kompaun, kata KBRI.")
    talks = _fired("Evaluasi satu kanal", "Delegasi Indonesia dan Malaysia menyoroti majikan "
                   "yang merekrut lewat visa kunjungan di luar sistem satu kanal.")
    for names in (policy, talks):
        assert "perdagangan-orang" not in names


def test_fourteenth_revision_programme_reads_destination_rules_in_more_wordings() -> None:
    # Fourteenth revision: Chinese regulating and capping acts, a Chinese rule lifts the harm
    # guard (an employer's death as the rule's occasion), the destination itself enacting a
    # rule on agencies, maids and employers, and a pilot bringing in foreign helpers.
    rules = [
        _fired("仲介費上限", "勞動部將規管仲介向移工收取的服務費並設上限，"
               "受影響的多為印尼看護工。"),
        _fired("轉換雇主新規", "勞動部修正規定，雇主死亡時印尼家庭看護工可直接轉換雇主。"),
        _fired("Aturan Kuwait", "Kuwait memberlakukan aturan yang melarang majikan menahan "
               "paspor pekerja rumah tangga; KBRI Kuwait City menyambut aturan itu."),
        _fired("Pungutan agensi", "Hong Kong menerapkan aturan baru yang membatasi pungutan "
               "agensi bagi pekerja rumah tangga asal Indonesia."),
        _fired("Housekeeping pilot", "Japan's pilot scheme bringing in foreign domestic "
               "workers for housekeeping in Tokyo will be opened to Indonesians next year."),
    ]
    for names in rules:
        assert "program-negara-tujuan" in names


def test_fourteenth_revision_programme_leaves_other_nations_injuries_and_frauds() -> None:
    # Other nations' trainees with no Indonesian (the guide's Not), a worker's injury with no
    # word on the scheme (the harm guard), and a fraud's promise of an internship (placement).
    others = _fired("Trainees leave", "Twenty Cambodian technical interns left a factory in "
                    "Aichi without notice, police said.")
    injury = _fired("Terluka di Osaka", "Seorang pekerja SSW asal Garut terluka di pabrik "
                    "logam di Osaka; KBRI Tokyo memantau perawatannya.")
    fraud = _fired("LPK bodong", "LPK bodong di Cilacap menarik uang puluhan juta dengan janji "
                   "penyaluran magang ke Jepang.")
    for names in (others, injury, fraud):
        assert "program-negara-tujuan" not in names


def test_fourteenth_revision_perlindungan_kasus_leaves_out_trials_foreigners_and_held_demand(
) -> None:
    # Sentences written for this test from the guide, not taken from any set. A trial of the
    # perpetrators is not protection even where the charge says the victims went unpaid; the
    # perpetrator is also named by the charge (trafficking, a recruitment company); foreigners
    # named by nationality deported from Indonesia are not Indonesian workers; demand, permits
    # or shipments "tertahan" (held up) are not a worker held.
    trial = _fired("Hakim vonis perekrut asal Sumbawa 5 tahun penjara",
                   "Pengadilan Negeri Sumbawa Besar menjatuhkan vonis lima tahun kepada perekrut "
                   "yang mengirim tiga perempuan ke Oman; para korban tidak digaji selama "
                   "setahun.")
    charge = _fired("Sidang perkara perdagangan orang di PN Tangerang",
                    "Terdakwa, pemilik biro perjalanan, mengaku memberangkatkan sembilan "
                    "perempuan ke Kuwait dengan visa kunjungan untuk bekerja.")
    english = _fired("Court jails recruitment company owner",
                     "A Surabaya court sentenced the owner of a recruitment company to seven "
                     "years for trafficking women to Saudi Arabia as housemaids.", "en")
    foreign = [
        _fired("Nelayan Filipina dideportasi dari Bitung",
               "Sebanyak 40 nelayan asal Filipina yang ditangkap di perairan Sulawesi Utara "
               "dideportasi melalui Manado."),
        _fired("Imigrasi pulangkan awak kapal Thailand",
               "Imigrasi Ranai memulangkan 60 warga negara Thailand, awak kapal pencuri ikan, "
               "setelah kapal mereka disita."),
        _fired("Kapal Vietnam ditenggelamkan, awaknya dideportasi",
               "Awak kapal berkewarganegaraan Vietnam itu dideportasi lewat Batam."),
    ]
    demand = _fired("Malaysia tunda izin pekerja asing, penempatan PMI tertahan",
                    "Kementerian Sumber Manusia menunda persetujuan kuota; permintaan dari "
                    "Indonesia tertahan hingga bulan depan.")
    for fired in (trial, charge, english, *foreign, demand):
        assert "perlindungan-kasus" not in fired


def test_fourteenth_revision_perlindungan_kasus_keeps_victims_and_workers_by_place() -> None:
    # The guards above must not drop the cases the guide keeps: victims unpaid and sent home
    # while the recruiter is investigated, Indonesians held abroad, a worker by trade next to a
    # place abroad (the thirteenth revision's binding, now with fewer NEAR combinations).
    victims = _fired("Tujuh warga Brebes dipulangkan dari Sabah",
                     "Tujuh pekerja asal Brebes yang dipekerjakan di kebun sawit di Sabah tanpa "
                     "gaji dipulangkan melalui Nunukan; polisi menetapkan sponsor sebagai "
                     "tersangka.")
    held = _fired("Pekerja asal Indonesia ditahan di Taiwan",
                  "Seorang pekerja di Taiwan asal Blitar ditahan polisi setelah berselisih "
                  "dengan majikan; KDEI mendampinginya.")
    sent = _fired("Buruh ke Malaysia hilang kontak",
                  "Keluarga buruh yang berangkat ke Malaysia tahun lalu kehilangan kontak sejak "
                  "Lebaran dan melapor ke BP3MI.")
    for fired in (victims, held, sent):
        assert "perlindungan-kasus" in fired


def test_fourteenth_revision_placement_is_not_a_case_or_a_shipment() -> None:
    # Fourteenth revision: a story whose headline is a worker's case (ill, missing, dead,
    # unpaid, brought home) is not about the route that took them abroad unless a recruiter's
    # sending act or a sanction is the subject; shipping goods is not sending workers.
    ill = _fired("Dirawat Dua Bulan di Selangor, TKW Asal Indramayu Dipulangkan",
                 "Rukmini (39) dirawat di rumah sakit Klang setelah jatuh di rumah majikannya. "
                 "Ia berangkat lewat sebuah P3MI di Cirebon. Agensi di Malaysia enggan "
                 "menanggung biaya, sehingga KBRI Kuala Lumpur dan BP3MI Jawa Barat turun "
                 "tangan memulangkan pekerja migran itu.")
    missing = _fired("Dua Bulan Hilang Kontak, Keluarga PMI di Sumbawa Lapor ke Disnaker",
                     "Keluarga Nurhayati kehilangan kontak sejak Agustus. Nurhayati bekerja di "
                     "Riyadh setelah berangkat melalui perusahaan penempatan resmi. BP3MI NTB "
                     "meminta P3MI itu menghubungi majikan melalui KBRI.")
    died = _fired("Pekerja Asal Tegal Meninggal di Kaohsiung, Jenazah Dipulangkan Pekan Depan",
                  "Slamet (31) meninggal setelah sakit di asrama pabrik tempatnya bekerja di "
                  "Taiwan. Ia direkrut lewat pesan singkat tiga tahun lalu. Pihak pabrik "
                  "dan KDEI Taipei mengurus pemulangan jenazah pekerja migran itu.")
    shipment = _fired("Harga Beras Naik Jelang Lebaran di Indramayu",
                      "Pedagang menyebut pasokan berkurang. Banyak keluarga menerima uang dari "
                      "anak yang bekerja di Taiwan. Polisi mengawasi pengiriman beras "
                      "antarkabupaten.")
    sent = _fired("Delapan Tahun Tak Digaji di Dubai, Warga Subang Akhirnya Pulang",
                  "Warsih (44) pulang ke Subang setelah delapan tahun bekerja sebagai pekerja "
                  "migran di Dubai tanpa gaji. Ia diberangkatkan seorang sponsor pada 2016 "
                  "saat penempatan PRT ke Timur Tengah masih dihentikan.")
    sanctioned = _fired("Terlantar di Kuching, 30 PMI Menunggu Kepastian",
                        "KP2MI mencabut izin P3MI yang menangani 30 pekerja migran asal NTT "
                        "di Sarawak setelah mereka tidak mendapat pekerjaan yang dijanjikan.")
    assert "penempatan" not in ill | missing | died | shipment
    assert "penempatan" in sent & sanctioned


def test_fifteenth_revision_perlindungan_kasus_leaves_out_rules_dealings_and_related_links(
) -> None:
    # Sentences written for this test from the guide, not taken from any set: a destination's
    # rule for all its foreign workers (the guide: programme, not this topic) even when it
    # names the harm it answers; protection as the goal of a meeting, a forum or a report; a
    # related-story link under an unrelated article.
    rule = _fired("Taiwan longgarkan aturan pindah majikan bagi pekerja asing",
                  "Pekerja asing boleh pindah majikan tanpa persetujuan bila gaji tidak dibayar "
                  "dua bulan, kata Kementerian Tenaga Kerja Taiwan. Banyak pekerja Indonesia "
                  "di Taiwan menyambut aturan itu.")
    korean = _fired("외국인 근로자 숙소 기준 강화",
                    "정부는 외국인 근로자 숙소에서 화재로 인한 사망 사고를 막기 위해 기준을 "
                    "강화했다. 인도네시아 노동자들도 혜택을 받는다.", "ko")
    talks = _fired("Menaker dan Menteri Qatar bahas kontrak standar pekerja domestik",
                   "Kedua menteri membahas kontrak standar PRT. Menaker menyebut masih ada PMI "
                   "yang gajinya tidak dibayar dan butuh pengaduan yang cepat.")
    report = _fired("NGO report urges better checks on fishing fleets",
                    "The report says Indonesian crew on foreign longliners were beaten and "
                    "deported without pay, and urges flag states to inspect vessels.", "en")
    link = _fired("Harga bawang naik di Brebes",
                  "Harga bawang merah naik menjadi Rp 40.000. Baca juga: TKW asal Brebes tak "
                  "digaji tujuh tahun di Arab Saudi. Pedagang berharap panen segera tiba.")
    for fired in (rule, korean, talks, report, link):
        assert "perlindungan-kasus" not in fired


def test_fifteenth_revision_perlindungan_kasus_keeps_cases_in_dealings_and_reads_trainees(
) -> None:
    # Dealings about a named group in trouble or a concrete measure stay (the guide: a
    # concrete protection measure agreed with Indonesia; a case handled by the mission); an
    # Indonesian trainee or intern hurt or dead in Japan, Korea or Taiwan is a worker abroad.
    stranded = _fired("KBRI dan Kementerian SDM bahas 60 pekerja yang ditelantarkan pabrik",
                      "KBRI Kuala Lumpur bertemu Kementerian Sumber Manusia membahas 60 pekerja "
                      "Indonesia yang tidak digaji setelah pabrik tutup.")
    hotline = _fired("RI dan Kuwait sepakati hotline pengaduan PRT",
                     "Kedua negara sepakat membuka hotline pengaduan bagi PMI sektor domestik "
                     "yang mengalami kekerasan atau gaji tidak dibayar.")
    trainee = _fired("Pemagang asal Blitar meninggal di Aichi",
                     "Seorang peserta magang asal Blitar meninggal di Aichi, Jepang, setelah "
                     "tertimpa mesin di pabrik; jenazahnya akan dipulangkan.")
    intern = _fired("Indonesian intern injured at Korean shipyard",
                    "An Indonesian trainee in Korea was injured when a crane fell at the "
                    "shipyard, and was taken to hospital.", "en")
    for fired in (stranded, hotline, trainee, intern):
        assert "perlindungan-kasus" in fired


def test_fifteenth_revision_perdagangan_orang_reads_closed_destinations_papers_and_crossings(
) -> None:
    # Sentences written for this test from the guide, not taken from any set: placement in a
    # country closed to it (Syria, Yemen, a ban named as such), a missing residence permit or
    # valid papers named by negation, runaway workers caught working, a boatman carrying
    # workers across, workers sent on umrah visas.
    closed = [
        _fired("Sponsor di Karawang ditangkap",
               "Polisi menangkap sponsor yang memberangkatkan tiga pembantu asal Karawang ke "
               "Yaman lewat Oman."),
        _fired("Agent held over maids sent to Damascus",
               "Police arrested an agent who sent Indonesian housemaids to Damascus, Syria.",
               "en"),
        _fired("Perekrut ke negara tertutup",
               "Seorang perekrut ditahan karena mengirim PMI asal Lombok Timur ke negara "
               "tertutup bagi penempatan pekerja migran."),
    ]
    papers = [
        _fired("Razia di Riyadh",
               "Aparat Saudi menahan 40 WNI yang tidak memiliki izin tinggal; KBRI Riyadh "
               "mengurus kepulangan mereka."),
        _fired("Johor immigration raid",
               "Johor immigration officers detained 25 Indonesians who had no valid work "
               "permits at a construction site.", "en"),
        _fired("Taichung factory raid",
               "Officers detained nine runaway Indonesian workers at a Taichung factory ahead "
               "of their deportation from Taiwan.", "en"),
    ]
    crossing = [
        _fired("Tekong dibekuk di Tanjung Balai Karimun",
               "Polisi menangkap seorang tekong yang mengangkut 18 pekerja asal NTB ke Malaysia "
               "dengan perahu kayu."),
        _fired("Umrah visa ring",
               "Police arrested two recruiters who sent women from Cianjur to Riyadh on umrah "
               "visas to work as maids.", "en"),
    ]
    for fired in (*closed, *papers, *crossing):
        assert "perdagangan-orang" in fired


def test_fifteenth_revision_perdagangan_orang_leaves_out_fugitives_couriers_and_evacuations(
) -> None:
    # The guide's Not: drugs and goods, however lured by pay; a fugitive offender caught in a
    # scam-compound country is no victim; an evacuation from a war is not an irregular placement.
    fugitive = _fired("Buronan penipuan online ditangkap di Kamboja",
                      "Polisi Kamboja menangkap buronan kasus judi online asal Surabaya di "
                      "Sihanoukville dan menyerahkannya ke Polri.")
    courier = _fired("Kurir sabu dari Tawau",
                     "Dua warga tergiur upah Rp 10 juta menjadi kurir sabu dari Tawau, Malaysia; "
                     "barang tanpa dokumen itu disita di Nunukan.")
    evacuation = _fired("Evakuasi WNI dari Suriah",
                        "KBRI Damaskus mengevakuasi 12 WNI, termasuk pekerja migran yang dikirim "
                        "sebelum perang, ke Beirut; evakuasi berlangsung lancar.")
    for fired in (fugitive, courier, evacuation):
        assert "perdagangan-orang" not in fired


def test_fifteenth_revision_program_negara_tujuan_reads_rule_changes_in_korean_and_japanese(
) -> None:
    # A destination's rule change (the guide: "job-change rules") stays a programme story when
    # the story mentions the harm that prompted it; Korean and Japanese name the change by
    # 지침 (guideline) / 완화 (relaxation) and 緩和, as Chinese does by 放寬 and 規定.
    korean = _fired("고용허가제 외국인 근로자 지침 개선",
                    "고용노동부는 고용허가제 외국인 근로자가 임금체불을 겪으면 사업장을 바꿀 수 "
                    "있도록 지침을 바꿨다. 인도네시아 근로자들은 환영했다.", "ko")
    japanese = _fired("特定技能の転職要件を緩和",
                      "政府は特定技能外国人の転職要件を緩和する。賃金未払いの相談が相次いだため"
                      "で、インドネシア人労働者の支援団体は歓迎した。", "ja")
    for fired in (korean, japanese):
        assert "program-negara-tujuan" in fired


def test_fifteenth_revision_penempatan_memoranda_fees_frauds_and_guards() -> None:
    # Fifteenth revision: causes seen in two or more independently written sets. A
    # memorandum or letter of intent on sending workers counts whoever signs it (a province,
    # a regency, a prefecture); Hong Kong's agency fees in Chinese; a job fraud whose
    # departure never came; agencies as the subject in Taiwan, Hong Kong or Malaysia.
    # Pilgrims and a council's list of programmes are not placement.
    regency = _fired("Pemkab Cilacap Teken MoU Pekerja Musiman dengan Kabupaten di Jeolla",
                     "Bupati Cilacap menandatangani nota kesepahaman dengan pemerintah daerah "
                     "di Korea Selatan tentang pengiriman petani muda sebagai pekerja musiman "
                     "di kebun apel selama lima bulan.")
    intent = _fired("NTB dan Negeri Sabah Tandatangani Surat Niat",
                    "Pemerintah Provinsi NTB dan Kerajaan Negeri Sabah, Malaysia, meneken surat "
                    "niat untuk perekrutan tenaga kerja perkebunan melalui jalur resmi.")
    prefecture = _fired("Indonesia and Aichi prefecture agree on care-worker intake",
                        "Officials from the Indonesian labour ministry and Aichi prefecture "
                        "in Japan signed a letter of intent on the recruitment of Indonesian "
                        "care workers for nursing homes.")
    fees = _fired("勞工處擬收緊外傭中介收費", "勞工處建議加重對超收費用中介的罰則，"
                  "不少印尼家庭傭工來港前已被收取高昂培訓費。")
    fraud = _fired("Dijanjikan Kerja di Korea, Warga Brebes Kehilangan Rp 30 Juta",
                   "Sebelas warga Brebes melapor ke polisi setelah sebuah yayasan menjanjikan "
                   "keberangkatan ke Korea dan memungut Rp 30 juta per orang. Setahun berlalu, "
                   "tak seorang pun diberangkatkan dan pengelolanya kabur.")
    agency = _fired("Malaysia to tighten licences of maid agencies",
                    "Malaysia's human resources ministry will audit agencies that bring in "
                    "domestic workers from Indonesia after complaints about hidden fees.")
    pilgrims = _fired("Berangkat dengan Visa Kerja, 30 WNI Gagal Berhaji",
                      "Tiga puluh warga diberangkatkan sebuah biro travel ke Arab Saudi "
                      "dengan visa kerja agar bisa menunaikan ibadah haji tanpa antre. "
                      "Mereka ditahan sebelum wukuf.")
    council = _fired("Wali Kota Paparkan Program Prioritas dalam Rapat Paripurna",
                     "Wali kota memaparkan program prioritas: jalan lingkar, pasar rakyat, "
                     "pelatihan calon pekerja migran, dan beasiswa. Fraksi mempertanyakan "
                     "sumber dana.")
    experts = _fired("RI dan Jepang Sepakati Kerja Sama K3",
                     "Kemnaker dan Jepang menyepakati kerja sama keselamatan kerja. Jepang akan "
                     "mengirim ahli untuk melatih pengawas dan pekerja konstruksi.")
    assert "penempatan" in regency & intent & prefecture & fees & fraud & agency
    assert "penempatan" not in pilgrims | council | experts


def test_fifteenth_revision_k3_regional_reads_foreign_authorities_cjk_guidance_and_overwork(
) -> None:
    # Sentences written for this test from the guide, not taken from any set: a foreign
    # safety or labour authority named by description with a safety training or guide for
    # Indonesian workers; a destination government's safety guidance in Korean and Japanese;
    # a regional OSH forum in Chinese; overwork deaths in ILO data for the region.
    taiwan = _fired("Panduan keselamatan untuk perawat di Taiwan",
                    "Kementerian Tenaga Kerja Taiwan bersama KDEI Taipei menyusun panduan "
                    "keselamatan kerja berbahasa Indonesia bagi perawat lansia asal Indonesia.")
    japan = _fired("Heat-safety course for Indonesian builders",
                   "Japan's labour ministry and Indonesia agreed to run heat-safety training for "
                   "Indonesian construction workers before the summer.", "en")
    korean = _fired("외국인 근로자 폭염 안전교육",
                    "고용노동부는 인도네시아 출신 외국인 근로자를 위한 폭염 안전교육 교재를 "
                    "제작해 배포했다.", "ko")
    forum = _fired("东南亚职业安全论坛开幕",
                   "东南亚职业安全论坛在曼谷开幕，各国专家讨论建筑工地的坠落事故。", "zh")
    overwork = _fired("Jam kerja panjang dan kematian",
                      "Laporan ILO dan WHO: jam kerja panjang memicu ribuan kematian akibat "
                      "stroke di Asia Tenggara.")
    for fired in (taiwan, japan, korean, forum, overwork):
        assert "k3-regional" in fired


def test_fifteenth_revision_k3_regional_leaves_out_a_fine_a_programme_and_local_hours() -> None:
    # Not regional safety: a foreign ministry fining an employer after one worker's accident
    # (a case), a destination's intake plan that names a safety course in passing, a domestic
    # complaint about long hours.
    fine = _fired("PMI tewas di pabrik Gimhae",
                  "Kementerian Tenaga Kerja Korea menjatuhkan denda kepada perusahaan setelah "
                  "seorang PMI tewas dalam kecelakaan kerja di pabrik Gimhae.")
    intake = _fired("어업 외국인력 확대",
                    "고용노동부는 인도네시아 출신 선원 도입을 늘리고 현지에서 안전교육을 "
                    "시행한다.", "ko")
    hours = _fired("Buruh Bekasi keluhkan jam kerja",
                   "Buruh pabrik di Bekasi mengeluhkan jam kerja panjang menjelang Lebaran.")
    for fired in (fine, intake, hours):
        assert "k3-regional" not in fired


def test_fifteenth_revision_kerja_sama_reads_cjk_governments_state_heads_and_un_review(
) -> None:
    # The two governments dealing on workers in Japanese and Korean; an Indonesian governor
    # with a Malaysian state head on jobs; a foreign labour ministry named by country; a UN
    # treaty body reviewing Indonesia on migrant workers.
    japanese = _fired("日インドネシア両政府、船員の受け入れで協議",
                      "日本とインドネシアの両政府は、漁船で働く船員の受け入れについて協議し、"
                      "合意した。", "ja")
    korean = _fired("한-인니 양국 고용허가제 협력",
                    "한국과 인도네시아 양국은 고용허가제 근로자 송출 절차 개선에 합의했다.", "ko")
    state = _fired("Gubernur Kalbar bertemu Ketua Menteri Sarawak",
                   "Gubernur Kalimantan Barat dan Menteri Besar negeri jiran sepakat membuka "
                   "bursa kerja bersama bagi warga yang ingin bekerja resmi di perkebunan.")
    ministry = _fired("Jakarta and Taipei talk recruitment fees",
                      "Indonesian officials met Taiwan's labour ministry to discuss direct "
                      "hiring of Indonesian factory workers abroad.", "en")
    review = _fired("Komite PBB soroti pekerja migran Indonesia",
                    "Komite PBB untuk pekerja migran meninjau laporan periodik Indonesia di "
                    "Jenewa dan menanyakan nasib pekerja migran yang terancam hukuman mati.")
    for fired in (japanese, korean, state, ministry, review):
        assert "kerja-sama-ketenagakerjaan" in fired


def test_fifteenth_revision_kerja_sama_leaves_out_home_visit_care_and_a_stranded_crew() -> None:
    # A destination's own rule on home-visit care (訪問介護 is no visit) and a consulate's help
    # to one stranded crew (a case, not dealings between governments).
    care = _fired("訪問介護に外国人材", "厚生労働省は、インドネシアなどの外国人材が訪問介護で"
                  "働けるよう制度を改める方針を決めた。", "ja")
    crew = _fired("Crew stranded off Fujairah",
                  "Six Indonesian seafarers were stranded on an abandoned tanker; the consulate "
                  "said an agreement with the owner to repatriate them had been signed.", "en")
    for fired in (care, crew):
        assert "kerja-sama-ketenagakerjaan" not in fired


def test_fifteenth_revision_pekerja_migran_reads_cities_and_the_one_channel_system() -> None:
    # Workers bound to a destination city; workers taken "menuju" a destination; the Saudi
    # one-channel placement system by its names.
    nurse = _fired("Pengasuh asal Wonogiri sakit di Kaohsiung",
                   "Seorang pengasuh asal Wonogiri dirawat di Kaohsiung setelah jatuh di rumah "
                   "majikan.")
    ship = _fired("Galangan Geoje", "Sebanyak 60 pekerja asal Jawa Timur bekerja di Geoje "
                  "sebagai tukang las.")
    boat = _fired("Perahu dicegat di Selat Malaka",
                  "Polisi mencegat perahu yang membawa 25 pekerja menuju Malaysia; para pekerja "
                  "berasal dari Sumbawa.")
    channel = _fired("Satu kanal diperluas",
                     "Kemnaker menyebut Sistem Penempatan Satu Kanal ke Arab Saudi dibuka "
                     "untuk jabatan sopir keluarga.")
    for fired in (nurse, ship, boat, channel):
        assert "pekerja-migran" in fired


def test_fifteenth_revision_pekerja_migran_leaves_out_budget_lists_pilgrims_and_toponyms(
) -> None:
    # Passing mentions (the guide's step 2): a line of a regency budget debate; pilgrims'
    # placement in Makkah; a home district that shares a destination's name; a trade fair.
    budget = _fired("DPRD Sumbawa bahas APBD",
                    "Rapat paripurna DPRD membahas perbaikan jalan, pasar dan sosialisasi "
                    "pelindungan PMI sebesar Rp 100 juta.")
    pilgrims = _fired("Jemaah dipindah hotel",
                      "Petugas haji mengatur penempatan jemaah haji di Arab Saudi agar satu "
                      "kloter berada di hotel yang sama.")
    home = _fired("ART disiksa di Medan", "Seorang asisten rumah tangga di Medan Johor dianiaya "
                  "majikannya dan tidak digaji.")
    fair = _fired("Pameran di Taipei", "Taiwan memamerkan cip terbaru dalam pameran di Taipei. "
                  "Pemerintah menilai program ini membantu pekerja mencari pekerjaan baru.")
    for fired in (budget, pilgrims, home, fair):
        assert "pekerja-migran" not in fired
