"""A small PAR bundle with a hand-computed result (see test_index_rule)."""

from __future__ import annotations

from pathlib import Path

from cchc.testing import write_bundle_files

TEMPLATES = "code,year,name,survey_optional\nSBN-2026,2026,Bộ chỉ số sở ngành 2026,1\n"
NODES = (
    "template,code,parent_code,kind,name,max_points,method\n"
    "SBN-2026,1,,field,Công tác chỉ đạo,30,\n"
    "SBN-2026,1.1,1,criterion,Kế hoạch CCHC,30,\n"
    "SBN-2026,1.1.1,1.1,subcriterion,Ban hành kế hoạch đúng hạn,10,self\n"
    "SBN-2026,1.1.2,1.1,subcriterion,Mức độ hoàn thành kế hoạch,20,self\n"
    "SBN-2026,2,,field,Cải cách thủ tục hành chính,40,\n"
    "SBN-2026,2.1,2,criterion,Giải quyết hồ sơ,40,\n"
    "SBN-2026,2.1.1,2.1,subcriterion,Hồ sơ đúng hạn,15,self\n"
    "SBN-2026,2.1.2,2.1,subcriterion,Hồ sơ trực tuyến,25,self\n"
    "SBN-2026,3,,field,Điều tra xã hội học,30,\n"
    "SBN-2026,3.1,3,criterion,Mức độ hài lòng,30,\n"
    "SBN-2026,3.1.1,3.1,subcriterion,SIPAS,30,survey\n"
    "SBN-2026,9,,field,Điểm thưởng và điểm trừ,0,\n"
    "SBN-2026,9.1,9,criterion,Thưởng/trừ,0,\n"
    "SBN-2026,9.1.1,9.1,subcriterion,Sáng kiến,2,bonus\n"
    "SBN-2026,9.1.2,9.1,subcriterion,Vi phạm,3,penalty\n"
)
# H26.01: 8+20+10+25+24+2-1 = 88 of 100 -> 88 %
# H26.02: 10+15+15+20 = 60, no survey -> 60 / (100 - 30) = 85.714285... %
SCORES = (
    "template,agency_code,node_code,self_score,appraised_score,survey_score\n"
    "SBN-2026,H26.01,1.1.1,10,8,\n"
    "SBN-2026,H26.01,1.1.2,20,20,\n"
    "SBN-2026,H26.01,2.1.1,12,10,\n"
    "SBN-2026,H26.01,2.1.2,25,25,\n"
    "SBN-2026,H26.01,3.1.1,,,24\n"
    "SBN-2026,H26.01,9.1.1,2,2,\n"
    "SBN-2026,H26.01,9.1.2,1,1,\n"
    "SBN-2026,H26.02,1.1.1,10,10,\n"
    "SBN-2026,H26.02,1.1.2,15,15,\n"
    "SBN-2026,H26.02,2.1.1,15,15,\n"
    "SBN-2026,H26.02,2.1.2,20,20,\n"
)


def write_bundle(directory: Path, *, templates=TEMPLATES, nodes=NODES, scores=SCORES) -> Path:  # type: ignore[no-untyped-def]
    return write_bundle_files(
        directory,
        {"par_templates.csv": templates, "par_nodes.csv": nodes, "par_scores.csv": scores},
    )
