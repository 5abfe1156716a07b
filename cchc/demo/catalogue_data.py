"""Real names of Hà Nội's departments and of common procedures, for demo data and benchmarks.

Procedure codes are generated (the national codes of these procedures vary by province).
"""

DEPARTMENTS = [
    ("H26.01", "Sở Tư pháp", "PROVINCE_AGENCY"),
    ("H26.02", "Sở Xây dựng", "PROVINCE_AGENCY"),
    ("H26.03", "Sở Tài chính", "PROVINCE_AGENCY"),
    ("H26.04", "Sở Công Thương", "PROVINCE_AGENCY"),
    ("H26.05", "Sở Nông nghiệp và Môi trường", "PROVINCE_AGENCY"),
    ("H26.06", "Sở Nội vụ", "PROVINCE_AGENCY"),
    ("H26.07", "Sở Y tế", "PROVINCE_AGENCY"),
    ("H26.08", "Sở Giáo dục và Đào tạo", "PROVINCE_AGENCY"),
    ("H26.09", "Sở Văn hóa và Thể thao", "PROVINCE_AGENCY"),
    ("H26.10", "Sở Du lịch", "PROVINCE_AGENCY"),
    ("H26.11", "Sở Khoa học và Công nghệ", "PROVINCE_AGENCY"),
    ("H26.12", "Sở Dân tộc và Tôn giáo", "PROVINCE_AGENCY"),
    ("H26.13", "Sở Quy hoạch - Kiến trúc", "PROVINCE_AGENCY"),
    ("H26.14", "Sở Ngoại vụ", "PROVINCE_AGENCY"),
    ("H26.15", "Ban Quản lý các Khu công nghiệp và chế xuất", "PROVINCE_AGENCY"),
    ("H26.16", "Ban Quản lý Khu công nghệ cao Hòa Lạc", "PROVINCE_AGENCY"),
    ("H26.17", "Thanh tra Thành phố", "PROVINCE_AGENCY"),
    ("H26.18", "Công an Thành phố Hà Nội", "CENTRAL_AGENCY"),
    ("H26.19", "Thuế Thành phố Hà Nội", "CENTRAL_AGENCY"),
    ("H26.20", "Bảo hiểm xã hội Thành phố Hà Nội", "CENTRAL_AGENCY"),
    ("H26.99", "Trung tâm Phục vụ hành chính công Thành phố Hà Nội", "PROVINCE_CENTRE"),
]

# field -> (handled by: "commune" or a department code, [procedure names])
PROCEDURES = {
    "Hộ tịch": (
        "commune",
        [
            "Đăng ký khai sinh",
            "Đăng ký kết hôn",
            "Đăng ký khai tử",
            "Đăng ký nhận cha, mẹ, con",
            "Cấp bản sao trích lục hộ tịch",
            "Cấp Giấy xác nhận tình trạng hôn nhân",
            "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
            "Đăng ký giám hộ",
            "Đăng ký lại khai sinh",
            "Đăng ký khai sinh có yếu tố nước ngoài",
            "Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
            "Liên thông đăng ký khai tử, xóa đăng ký thường trú, hưởng chế độ tử tuất",
            "Đăng ký chấm dứt giám hộ",
            "Đăng ký kết hôn lưu động",
        ],
    ),
    "Chứng thực": (
        "commune",
        [
            "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
            "Chứng thực chữ ký trong các giấy tờ, văn bản",
            "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản",
            "Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch",
            "Chứng thực di chúc",
            "Chứng thực văn bản thỏa thuận phân chia di sản",
        ],
    ),
    "Đất đai": (
        "commune",
        [
            "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
            "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
            "Đăng ký thế chấp quyền sử dụng đất",
            "Xóa đăng ký thế chấp quyền sử dụng đất",
            "Cấp đổi Giấy chứng nhận quyền sử dụng đất",
            "Tách thửa hoặc hợp thửa đất",
            "Gia hạn sử dụng đất nông nghiệp",
            "Đính chính Giấy chứng nhận đã cấp",
            "Cấp lại Giấy chứng nhận do bị mất",
        ],
    ),
    "Bảo trợ xã hội": (
        "commune",
        [
            "Trợ cấp xã hội hằng tháng đối với đối tượng bảo trợ xã hội",
            "Hỗ trợ chi phí mai táng",
            "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật",
            "Thôi hưởng trợ cấp xã hội hằng tháng",
            "Hỗ trợ khẩn cấp đối với trẻ em có nguy cơ bị xâm hại",
        ],
    ),
    "Hộ kinh doanh": (
        "commune",
        [
            "Đăng ký thành lập hộ kinh doanh",
            "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
            "Tạm ngừng kinh doanh hộ kinh doanh",
            "Chấm dứt hoạt động hộ kinh doanh",
        ],
    ),
    "Xây dựng": (
        "H26.02",
        [
            "Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II",
            "Cấp giấy phép xây dựng sửa chữa, cải tạo công trình",
            "Điều chỉnh giấy phép xây dựng",
            "Gia hạn giấy phép xây dựng",
            "Cấp lại giấy phép xây dựng",
            "Cấp chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III",
            "Cấp chứng chỉ năng lực hoạt động xây dựng",
            "Thẩm định báo cáo nghiên cứu khả thi đầu tư xây dựng",
            "Thẩm định thiết kế xây dựng triển khai sau thiết kế cơ sở",
            "Cấp giấy phép di dời công trình",
            "Cấp giấy phép lái xe (đổi)",
            "Cấp lại giấy phép lái xe",
            "Cấp giấy phép kinh doanh vận tải bằng xe ô tô",
            "Cấp phù hiệu xe ô tô kinh doanh vận tải",
            "Đăng ký xe máy chuyên dùng lần đầu",
        ],
    ),
    "Tư pháp - Bổ trợ tư pháp": (
        "H26.01",
        [
            "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
            "Cấp Phiếu lý lịch tư pháp cho người nước ngoài",
            "Đăng ký hành nghề luật sư với tư cách cá nhân",
            "Đăng ký hoạt động của tổ chức hành nghề luật sư",
            "Thành lập Văn phòng công chứng",
            "Đăng ký hoạt động Văn phòng công chứng",
            "Đăng ký hành nghề và cấp Thẻ công chứng viên",
            "Cấp Thẻ đấu giá viên",
            "Đăng ký hoạt động của Trung tâm hòa giải thương mại",
            "Thay đổi nội dung đăng ký hoạt động của Văn phòng công chứng",
        ],
    ),
    "Thành lập và hoạt động doanh nghiệp": (
        "H26.03",
        [
            "Đăng ký thành lập doanh nghiệp tư nhân",
            "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên",
            "Đăng ký thành lập công ty cổ phần",
            "Đăng ký thay đổi người đại diện theo pháp luật",
            "Đăng ký thay đổi vốn điều lệ",
            "Thông báo tạm ngừng kinh doanh",
            "Giải thể doanh nghiệp",
            "Đăng ký hoạt động chi nhánh, văn phòng đại diện",
            "Cấp lại Giấy chứng nhận đăng ký doanh nghiệp",
            "Đăng ký mã số đơn vị có quan hệ với ngân sách",
        ],
    ),
    "Lưu thông hàng hóa trong nước": (
        "H26.04",
        [
            "Cấp Giấy phép bán buôn rượu",
            "Cấp Giấy phép bán lẻ sản phẩm thuốc lá",
            "Cấp Giấy chứng nhận đủ điều kiện cửa hàng bán lẻ xăng dầu",
            "Cấp Giấy chứng nhận đủ điều kiện thương nhân kinh doanh mua bán LPG",
            "Cấp Giấy xác nhận đủ điều kiện đào tạo kỹ thuật an toàn vật liệu nổ công nghiệp",
            "Cấp Giấy chứng nhận đủ điều kiện an toàn thực phẩm (Công Thương)",
        ],
    ),
    "Môi trường": (
        "H26.05",
        [
            "Cấp giấy phép môi trường",
            "Cấp đổi giấy phép môi trường",
            "Thẩm định báo cáo đánh giá tác động môi trường",
            "Cấp giấy phép khai thác nước dưới đất",
            "Cấp giấy phép thăm dò khoáng sản",
            "Cấp Giấy chứng nhận kiểm dịch động vật vận chuyển ra khỏi địa bàn",
            "Cấp chứng chỉ hành nghề thú y",
            "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm nông lâm thủy sản",
        ],
    ),
    "Tổ chức - Biên chế, Hội": (
        "H26.06",
        [
            "Công nhận ban vận động thành lập hội",
            "Thành lập hội",
            "Phê duyệt điều lệ hội",
            "Cấp giấy phép lao động cho người lao động nước ngoài",
            "Giải quyết hưởng trợ cấp thất nghiệp",
            "Cấp giấy phép hoạt động dịch vụ việc làm",
            "Đăng ký nội quy lao động",
            "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ",
        ],
    ),
    "Khám bệnh, chữa bệnh": (
        "H26.07",
        [
            "Cấp giấy phép hành nghề khám bệnh, chữa bệnh",
            "Cấp giấy phép hoạt động đối với phòng khám đa khoa",
            "Cấp Chứng chỉ hành nghề dược",
            "Cấp Giấy chứng nhận đủ điều kiện kinh doanh dược",
            "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm (Y tế)",
            "Cấp giấy phép hoạt động đối với cơ sở dịch vụ thẩm mỹ",
        ],
    ),
    "Giáo dục và Đào tạo": (
        "H26.08",
        [
            "Cho phép trường trung học phổ thông tư thục hoạt động giáo dục",
            "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
            "Chỉnh sửa nội dung văn bằng, chứng chỉ",
            "Công nhận văn bằng tốt nghiệp do cơ sở nước ngoài cấp",
            "Cấp giấy phép tổ chức hoạt động dạy thêm, học thêm",
            "Cho phép trung tâm ngoại ngữ, tin học hoạt động giáo dục",
        ],
    ),
    "Văn hóa, Thể thao, Du lịch": (
        "H26.09",
        [
            "Cấp giấy phép kinh doanh dịch vụ karaoke",
            "Cấp giấy phép tổ chức lễ hội",
            "Thông báo tổ chức biểu diễn nghệ thuật",
            "Cấp giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao",
            "Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa",
            "Cấp thẻ hướng dẫn viên du lịch",
            "Công nhận hạng cơ sở lưu trú du lịch",
        ],
    ),
    "Khoa học, Công nghệ": (
        "H26.11",
        [
            "Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ",
            "Cấp Giấy chứng nhận doanh nghiệp khoa học và công nghệ",
            "Cấp giấy phép tiến hành công việc bức xạ",
            "Đăng ký chuyển giao công nghệ",
        ],
    ),
    "Quy hoạch - Kiến trúc": (
        "H26.13",
        [
            "Cung cấp thông tin quy hoạch",
            "Thẩm định nhiệm vụ quy hoạch chi tiết",
            "Chấp thuận bản vẽ tổng mặt bằng",
            "Cấp chứng chỉ quy hoạch",
        ],
    ),
    "Đầu tư tại khu công nghiệp": (
        "H26.15",
        [
            "Cấp Giấy chứng nhận đăng ký đầu tư trong khu công nghiệp",
            "Điều chỉnh Giấy chứng nhận đăng ký đầu tư",
            "Cấp giấy phép lao động trong khu công nghiệp",
        ],
    ),
    "Cư trú, Căn cước": (
        "H26.18",
        [
            "Đăng ký thường trú",
            "Đăng ký tạm trú",
            "Cấp thẻ Căn cước",
            "Đăng ký xe ô tô",
            "Cấp giấy xác nhận thông tin về cư trú",
        ],
    ),
    "Thuế": (
        "H26.19",
        [
            "Đăng ký thuế lần đầu",
            "Khai lệ phí trước bạ nhà, đất",
            "Hoàn thuế thu nhập cá nhân",
            "Xác nhận nghĩa vụ thuế",
        ],
    ),
    "Bảo hiểm xã hội": (
        "H26.20",
        [
            "Cấp lại, đổi thẻ bảo hiểm y tế",
            "Giải quyết hưởng chế độ thai sản",
            "Giải quyết hưởng bảo hiểm xã hội một lần",
            "Đăng ký tham gia bảo hiểm xã hội tự nguyện",
        ],
    ),
}

# Who may apply (đối tượng thực hiện), in the national database's words: by field, then by
# procedure where it differs from its field. Civil status, residence, social insurance are a
# person's; a company's changes are the company's (cchc.portal.applicant_types reads them and
# warns an account of the wrong kind).
APPLICANTS_BY_FIELD = {
    "Hộ tịch": "Cá nhân",
    "Bảo trợ xã hội": "Cá nhân",
    "Hộ kinh doanh": "Cá nhân, hộ gia đình",
    "Đất đai": "Hộ gia đình, cá nhân, tổ chức",
    "Thành lập và hoạt động doanh nghiệp": "Doanh nghiệp",
    "Lưu thông hàng hóa trong nước": "Doanh nghiệp, hợp tác xã, hộ kinh doanh",
    "Cư trú, Căn cước": "Công dân Việt Nam",
    "Bảo hiểm xã hội": "Cá nhân",
}
APPLICANTS_BY_NAME = {
    "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam": "Cá nhân",
    "Cấp Phiếu lý lịch tư pháp cho người nước ngoài": "Cá nhân",
    "Đăng ký hành nghề luật sư với tư cách cá nhân": "Cá nhân",
    "Đăng ký hoạt động của tổ chức hành nghề luật sư": "Tổ chức",
    "Đăng ký hoạt động Văn phòng công chứng": "Tổ chức",
    "Đăng ký hoạt động của Trung tâm hòa giải thương mại": "Tổ chức",
    "Thay đổi nội dung đăng ký hoạt động của Văn phòng công chứng": "Tổ chức",
    "Đăng ký hành nghề và cấp Thẻ công chứng viên": "Cá nhân",
    "Cấp Thẻ đấu giá viên": "Cá nhân",
    "Cấp giấy phép lái xe (đổi)": "Cá nhân",
    "Cấp lại giấy phép lái xe": "Cá nhân",
    "Cấp giấy phép kinh doanh vận tải bằng xe ô tô": "Doanh nghiệp, hợp tác xã",
    "Cấp chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III": "Cá nhân",
    "Cấp chứng chỉ năng lực hoạt động xây dựng": "Tổ chức",
    # a company is founded by people or organisations; once registered, it applies itself
    "Đăng ký thành lập doanh nghiệp tư nhân": "Cá nhân",
    "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên": "Cá nhân, tổ chức",
    "Đăng ký thành lập công ty cổ phần": "Cá nhân, tổ chức",
    "Đăng ký mã số đơn vị có quan hệ với ngân sách": "Cơ quan, đơn vị có quan hệ với ngân sách",
    "Cấp chứng chỉ hành nghề thú y": "Cá nhân",
    "Công nhận ban vận động thành lập hội": "Tổ chức",
    "Thành lập hội": "Tổ chức",
    "Phê duyệt điều lệ hội": "Tổ chức",
    "Cấp giấy phép lao động cho người lao động nước ngoài": "Doanh nghiệp, cơ quan, tổ chức",
    "Giải quyết hưởng trợ cấp thất nghiệp": "Người lao động",
    "Cấp giấy phép hoạt động dịch vụ việc làm": "Doanh nghiệp",
    "Đăng ký nội quy lao động": "Doanh nghiệp, cơ quan, tổ chức",
    "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ": "Cá nhân",
    "Cấp giấy phép hành nghề khám bệnh, chữa bệnh": "Cá nhân",
    "Cấp giấy phép hoạt động đối với phòng khám đa khoa": "Tổ chức",
    "Cấp Chứng chỉ hành nghề dược": "Cá nhân",
    "Cấp Giấy chứng nhận đủ điều kiện kinh doanh dược": "Doanh nghiệp, hộ kinh doanh",
    "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc": "Cá nhân",
    "Chỉnh sửa nội dung văn bằng, chứng chỉ": "Cá nhân",
    "Công nhận văn bằng tốt nghiệp do cơ sở nước ngoài cấp": "Cá nhân",
    "Cấp thẻ hướng dẫn viên du lịch": "Cá nhân",
    "Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa": "Doanh nghiệp",
    "Cấp Giấy chứng nhận doanh nghiệp khoa học và công nghệ": "Doanh nghiệp",
    "Cấp Giấy chứng nhận đăng ký đầu tư trong khu công nghiệp": "Nhà đầu tư, tổ chức",
    "Điều chỉnh Giấy chứng nhận đăng ký đầu tư": "Nhà đầu tư, tổ chức",
    "Cấp giấy phép lao động trong khu công nghiệp": "Doanh nghiệp",
    "Đăng ký xe ô tô": "Cá nhân, tổ chức",
    "Hoàn thuế thu nhập cá nhân": "Cá nhân",
}
DEFAULT_APPLICANTS = "Cá nhân, tổ chức"


def applicants_for(field: str, name: str) -> str:
    """The demo procedure's applicants (đối tượng thực hiện)."""
    return APPLICANTS_BY_NAME.get(name) or APPLICANTS_BY_FIELD.get(field) or DEFAULT_APPLICANTS


# The Chairman's decisions announcing the catalogue (quyết định công bố, Decree 63/2010 art.
# 15): Hà Nội announces many procedures in one decision, by level and by group of
# departments, before the 2025 reorganisation took effect (the procedures' valid_from), so
# before every demo dossier. (number, signed on, the fields it announces)
PUBLICATION_DECISIONS = [
    (
        "2871/QĐ-UBND",
        "2025-06-24",
        ["Hộ tịch", "Chứng thực", "Đất đai", "Bảo trợ xã hội", "Hộ kinh doanh"],
    ),
    (
        "2905/QĐ-UBND",
        "2025-06-26",
        [
            "Tư pháp - Bổ trợ tư pháp",
            "Tổ chức - Biên chế, Hội",
            "Khám bệnh, chữa bệnh",
            "Giáo dục và Đào tạo",
            "Văn hóa, Thể thao, Du lịch",
            "Khoa học, Công nghệ",
        ],
    ),
    (
        "2930/QĐ-UBND",
        "2025-06-27",
        [
            "Xây dựng",
            "Thành lập và hoạt động doanh nghiệp",
            "Lưu thông hàng hóa trong nước",
            "Môi trường",
            "Quy hoạch - Kiến trúc",
            "Đầu tư tại khu công nghiệp",
        ],
    ),
    ("3012/QĐ-UBND", "2025-06-30", ["Cư trú, Căn cước", "Thuế", "Bảo hiểm xã hội"]),
]

# Procedures prepared but not yet announced: a keeper (quantri.tuphap, sonoivu) shows
# publishing one with its decision. Every mandatory field is filled, so publishing succeeds.
# (code, name, field, agency, applicants, processing days, online level)
DRAFT_PROCEDURES = [
    (
        "1.000901",
        "Đăng ký hoạt động Văn phòng Thừa phát lại",
        "Tư pháp - Bổ trợ tư pháp",
        "H26.01",
        "Tổ chức",
        10,
        "partial",
    ),
    (
        "1.000902",
        "Cấp lại Thẻ đấu giá viên",
        "Tư pháp - Bổ trợ tư pháp",
        "H26.01",
        "Cá nhân",
        5,
        "full",
    ),
    (
        "1.000903",
        "Đăng ký thành lập công ty hợp danh",
        "Thành lập và hoạt động doanh nghiệp",
        "H26.03",
        "Cá nhân",
        3,
        "full",
    ),
]
