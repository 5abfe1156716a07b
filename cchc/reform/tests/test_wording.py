"""The appraisal team is "tổ thẩm định" and its chair "tổ trưởng tổ thẩm định" on every page:
the explanation round's notices said "Đoàn thẩm định" and "Trưởng đoàn thẩm định", so a unit
read of two bodies where there is one."""

from __future__ import annotations

from cchc.testing import vietnamese_entries_saying


def test_the_appraisal_team_has_one_name():
    assert vietnamese_entries_saying("reform", r"đoàn thẩm định") == []
