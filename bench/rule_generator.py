"""Many rules shaped like the default pack's, as a monitoring desk's users would write them.

Each rule picks a topic of labour-migration news and writes a dozen terms of it (words, phrases,
``~`` word forms, prefixes, Chinese/Japanese/Korean terms), usually narrowed to places or
organisations, often guarded against the traps with NOT, sometimes scoped to the title or
joined by NEAR. The vocabulary is that of the default pack and of
shared/research/vocabulary.md, recombined at random; the rules exist to be run, not read.
"""

from __future__ import annotations

import random

from alerts import Rule

TOPICS: dict[str, list[str]] = {
    "workers": [
        '"pekerja migran"', '"buruh migran"', "TKI", "TKW", "CPMI", '"calon PMI"', "BMI",
        '"migrant workers"', '"overseas workers"', '"domestic worker"', "PLRT",
        '"tenaga kerja Indonesia"', '"WNI di luar negeri"', "remitansi", "migran*",
        "印尼移工", "移工",
    ],
    "placement": [
        "~penempatan", "~berangkat", "P3MI", "PPTKIS", "PJTKI", "APJATI", "LPK", "SIP2MI",
        "SISKOP2MI", '"job order"', "BP3MI", "BP2MI", "KP2MI", "KemenP2MI", "BNP2TKI",
        '"G to G"', "calo", "syarikah", "Musaned", "moratorium", '"orientasi pra pemberangkatan"',
        "penempat*", '"recruitment agency"', "~rekrut",
    ],
    "trafficking": [
        "TPPO", '"perdagangan orang"', '"human trafficking"', "nonprosedural", "unprosedural",
        "~selundup", '"online scam"', "Kamboja", "Myanmar", '"awak kapal"', "ABK",
        '"kerja paksa"', '"jeratan utang"', '"debt bondage"', "trafficked", "~sekap",
        '"penipuan online"', "nonprosedur*",
    ],
    "programmes": [
        '"EPS-TOPIK"', "E-9", '"Tokutei Ginou"', "SSW", "TITP", "~magang", '"JFT-Basic"',
        "JLPT", "kaigo", "caregiver", '"perawat lansia"', '"Triple Win"', "特定技能", "技能実習",
        "育成就労", "介護", "看護工", "고용허가제", "외국인근로자", "careworker",
    ],
    "protection": [
        "~deportasi", "deported", "~pulang", "repatriasi", "jenazah", "meninggal",
        "~aniaya", "~kekerasan", '"gaji tidak dibayar"', '"upah tidak dibayar"', "overstay",
        "~tahan", '"hukuman mati"', "~adu", '"BPJS Ketenagakerjaan"', "penampungan",
        '"unpaid wages"', '"death penalty"', "deportas*",
    ],
    "cooperation": [
        "SLOM", '"SLOM+3"', "ALMM", "AFML", "ACMW", '"ASEAN Consensus"', "MoU",
        '"nota kesepahaman"', '"kerja sama bilateral"', "JWG", "KBRI", "KJRI",
        '"atase ketenagakerjaan"', '"labour attaché"', '"joint working group"',
    ],
    "safety": [
        "K3", '"keselamatan dan kesehatan kerja"', '"kecelakaan kerja"', '"ASEAN-OSHNET"',
        '"pengawasan ketenagakerjaan"', '"penyakit akibat kerja"', '"occupational safety"',
        "ILO",
    ],
}
PLACES = [
    "Malaysia", "Sabah", "Sarawak", "Johor", '"Kuala Lumpur"', "Taiwan", "Taipei",
    '"Hong Kong"', "Singapura", "Jepang", "Japan", "Tokyo", "Osaka", "Korea", "Seoul",
    '"Arab Saudi"', "Riyadh", "Jeddah", "Dubai", "Qatar", "Kuwait", "Jerman", "Brunei",
    '"Timur Tengah"', "NTB", "NTT", "Lombok", "Indramayu", "Cirebon", "Cilacap", "Kendal",
    "Blitar", "Malang", "Tulungagung", "Ponorogo", "Banyuwangi", "Sumbawa", "Kupang",
    "Batam", "Nunukan", "Tanjungpinang", '"Jawa Timur"', '"Jawa Tengah"', '"Jawa Barat"',
    "Medan", "Makassar", "台灣", "日本", "한국",
]
GUARDS = [
    '"Palang Merah Indonesia"', '"donor darah"', '"PMI manufaktur"', '"purchasing managers"',
    '"tenaga kerja asing"', "TKA", '"anak berkebutuhan khusus"', "jemaah", "haji", "WNA",
    '"magang mahasiswa"', '"calo tiket"', "sekolah", '"Indonesian Red Cross"',
]


def generated_rules(count: int, seed: int = 11) -> list[Rule]:
    """``count`` rules of the default pack's complexity, named ``g0``, ``g1``..."""
    rng = random.Random(seed)
    return [Rule(name=f"g{number}", query=_query(rng)) for number in range(count)]


def _query(rng: random.Random) -> str:
    topic, other = rng.sample(sorted(TOPICS), 2)
    terms = rng.sample(TOPICS[topic], rng.randint(5, 8))
    shape = rng.random()
    if shape < 0.15:  # two topics that must meet: "(a OR b) AND (c OR d)"
        query = f"({_any(terms)}) AND ({_any(rng.sample(TOPICS[other], 4))})"
    elif shape < 0.3:  # alternatives that each need context: "(a AND x) OR (b AND y)"
        query = " OR ".join(f"({term} AND ({_any(rng.sample(PLACES, 2))}))"
                            for term in terms[:4])
    elif shape < 0.4:  # a pair of terms close together, or a scoped headline term
        near = f"{terms[0]} NEAR/{rng.randint(3, 10)} {rng.choice(PLACES)}"
        query = f"({near} OR title:({_any(terms[1:4])}) OR {_any(terms[4:])})"
    else:  # the pack's shape: topic terms narrowed to places
        query = f"({_any(terms)}) AND ({_any(rng.sample(PLACES, rng.randint(2, 5)))})"
    if rng.random() < 0.7:
        query = f"{query} NOT ({_any(rng.sample(GUARDS, rng.randint(1, 3)))})"
    return query


def _any(terms: list[str]) -> str:
    return " OR ".join(terms)

