from cchc.indices.measures import Measure


def fake(*, agency_code, period):
    return Measure("fake_rate", "Fake", agency_code, period, 855, 1000, 85.5)


fake.label = "Fake"  # type: ignore[attr-defined]
