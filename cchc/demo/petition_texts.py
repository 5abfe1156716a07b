"""What the demo's petitions say: realistic titles, contents and public answers per category
(TTHC administrative procedures, CANBO conduct of officials, KHAC everything else), so that
the petition pages, the search and the public answers show something true on first start.
`{street}`, `{days}` and `{proc}` are filled in per petition."""

from __future__ import annotations

import random

STREETS = (
    "Tràng Tiền",
    "Hàng Bài",
    "Lý Thường Kiệt",
    "Nguyễn Du",
    "Kim Mã",
    "Giảng Võ",
    "Láng Hạ",
    "Trần Duy Hưng",
    "Nguyễn Trãi",
    "Giải Phóng",
    "Minh Khai",
    "Lạc Long Quân",
)
PROCEDURES = (
    "đăng ký khai sinh",
    "cấp bản sao trích lục hộ tịch",
    "đăng ký thường trú",
    "cấp giấy phép xây dựng nhà ở riêng lẻ",
    "chứng thực chữ ký",
    "đăng ký hộ kinh doanh",
    "cấp giấy chứng nhận quyền sử dụng đất lần đầu",
    "xác nhận tình trạng hôn nhân",
)

# (topic, title, content, answer): the topic is the code of one of the feedback app's topics
# (cchc.feedback Topic, seeded by its migration 0002) of the category, the one a receiving
# clerk would choose for the text
TEXTS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "TTHC": (
        (
            "TTHC-HOSO",
            "Hồ sơ {proc} quá hạn chưa có kết quả",
            "Tôi nộp hồ sơ {proc} tại bộ phận một cửa, giấy hẹn trả kết quả đã quá {days} "
            "ngày làm việc nhưng đến nay vẫn chưa nhận được kết quả, cũng không được thông "
            "báo lý do. Đề nghị cơ quan kiểm tra và trả lời.",
            "Qua kiểm tra, hồ sơ của Ông/Bà bị chậm do phải xác minh thông tin với cơ quan "
            "khác. Đơn vị đã gửi thư xin lỗi, hẹn lại thời gian trả kết quả và nhắc nhở công "
            "chức xử lý. Kết quả đã được trả cho Ông/Bà.",
        ),
        (
            "TTHC-HOSO",
            "Yêu cầu bổ sung hồ sơ {proc} nhiều lần",
            "Hồ sơ {proc} của gia đình tôi bị yêu cầu bổ sung giấy tờ đến lần thứ hai, mỗi lần "
            "một loại giấy khác nhau. Đề nghị hướng dẫn đầy đủ một lần theo đúng quy định.",
            "Đơn vị tiếp thu phản ánh. Theo quy định, việc yêu cầu bổ sung chỉ được thực hiện "
            "một lần và phải nêu rõ, đầy đủ nội dung cần bổ sung. Công chức tiếp nhận đã bị "
            "nhắc nhở; hồ sơ của Ông/Bà đã được giải quyết.",
        ),
        (
            "TTHC-QUYDINH",
            "Không nộp được hồ sơ {proc} trực tuyến",
            "Tôi nộp hồ sơ {proc} trên Cổng dịch vụ công nhưng hệ thống báo lỗi khi tải tệp "
            "đính kèm, đã thử nhiều lần trong {days} ngày. Đề nghị hỗ trợ.",
            "Lỗi tải tệp do dung lượng tệp vượt quá giới hạn cho phép. Ông/Bà vui lòng nén "
            "tệp hoặc chụp lại với độ phân giải thấp hơn; bộ phận hỗ trợ đã liên hệ hướng dẫn "
            "qua điện thoại.",
        ),
        (
            "TTHC-QUYDINH",
            "Đề nghị hướng dẫn thành phần hồ sơ {proc}",
            "Thông tin trên cổng về thành phần hồ sơ {proc} khác với hướng dẫn tại bộ phận một "
            "cửa. Đề nghị cơ quan thống nhất và công khai thành phần hồ sơ.",
            "Thành phần hồ sơ được thực hiện theo quyết định công bố thủ tục hành chính hiện "
            "hành đã đăng trên Cổng dịch vụ công. Đơn vị đã cập nhật lại bảng niêm yết tại "
            "bộ phận một cửa cho thống nhất.",
        ),
        (
            "TTHC-QUYDINH",
            "Thu phí {proc} không đúng quy định",
            "Khi nộp hồ sơ {proc} tôi bị thu thêm khoản phí không có trong biểu phí niêm yết "
            "và không được cấp biên lai. Đề nghị làm rõ.",
            "Qua xác minh, khoản thu là phí dịch vụ bưu chính do Ông/Bà đăng ký nhận kết quả "
            "qua bưu điện, có biên lai của đơn vị bưu chính. Đơn vị đã bổ sung nội dung này vào "
            "bảng niêm yết để công dân được biết.",
        ),
    ),
    "CANBO": (
        (
            "CANBO-THAIDO",
            "Thái độ công chức tiếp nhận hồ sơ chưa đúng mực",
            "Ngày tôi đến nộp hồ sơ {proc}, công chức tiếp nhận có thái độ thiếu tôn trọng, "
            "không giải thích khi tôi hỏi. Đề nghị chấn chỉnh.",
            "Đơn vị đã làm việc với công chức liên quan; công chức đã nhận thiếu sót và bị "
            "nhắc nhở, kiểm điểm. Đơn vị xin lỗi Ông/Bà và cảm ơn ý kiến phản ánh.",
        ),
        (
            "CANBO-THAIDO",
            "Công chức không có mặt tại bộ phận một cửa giờ hành chính",
            "Nhiều lần đến bộ phận một cửa trong giờ làm việc nhưng quầy {proc} không có người, "
            "phải chờ hơn một giờ.",
            "Trong thời gian phản ánh, công chức được cử đi tập huấn nhưng đơn vị chưa bố trí "
            "người thay thế. Đơn vị đã phân công công chức dự phòng cho từng quầy.",
        ),
        (
            "CANBO-THAIDO",
            "Đề nghị khen ngợi công chức tận tình",
            "Tôi xin cảm ơn công chức bộ phận một cửa đã hướng dẫn tận tình, giúp tôi hoàn "
            "thiện hồ sơ {proc} ngay trong buổi sáng.",
            "Đơn vị trân trọng cảm ơn ý kiến của Ông/Bà; công chức sẽ được ghi nhận trong "
            "đánh giá, xếp loại cuối năm.",
        ),
    ),
    "KHAC": (
        (
            "KHAC",
            "Đèn chiếu sáng trên phố {street} bị hỏng",
            "Đoạn phố {street} có nhiều cột đèn không sáng đã {days} ngày, buổi tối rất tối "
            "và mất an toàn.",
            "Đơn vị quản lý chiếu sáng đã kiểm tra, thay thế bóng đèn và sửa chữa đường dây; hệ "
            "thống chiếu sáng trên phố {street} đã hoạt động bình thường.",
        ),
        (
            "KHAC",
            "Rác thải tập kết không đúng nơi quy định tại phố {street}",
            "Rác thải sinh hoạt bị đổ thành đống trên vỉa hè phố {street}, bốc mùi, đã "
            "{days} ngày chưa được thu gom.",
            "Công ty môi trường đã thu gom, xử lý điểm rác và bố trí lại giờ thu gom; tổ dân "
            "phố được giao theo dõi, nhắc nhở các hộ dân.",
        ),
        (
            "KHAC",
            "Lấn chiếm vỉa hè kinh doanh tại phố {street}",
            "Nhiều hộ kinh doanh bày hàng ra hết vỉa hè phố {street}, người đi bộ phải đi "
            "xuống lòng đường.",
            "Lực lượng trật tự đô thị đã kiểm tra, lập biên bản và yêu cầu các hộ thu dọn; "
            "khu vực được đưa vào danh sách kiểm tra định kỳ.",
        ),
        (
            "KHAC",
            "Ngập úng cục bộ sau mưa tại phố {street}",
            "Mỗi trận mưa lớn phố {street} ngập sâu, nước rút chậm, ảnh hưởng đi lại của "
            "người dân.",
            "Nguyên nhân do cửa thu nước bị rác làm tắc. Đơn vị thoát nước đã nạo vét và "
            "đưa tuyến phố vào kế hoạch cải tạo cống năm tới.",
        ),
        (
            "KHAC",
            "Tiếng ồn từ công trình xây dựng ban đêm tại phố {street}",
            "Công trình xây dựng trên phố {street} thi công đến quá 23 giờ, gây ồn ảnh hưởng "
            "sinh hoạt của các hộ xung quanh.",
            "Đơn vị đã kiểm tra, xử phạt vi phạm hành chính chủ đầu tư và yêu cầu không thi "
            "công gây ồn từ 22 giờ đến 6 giờ sáng.",
        ),
    ),
}


def petition_text(rng: random.Random, category: str, answered: bool) -> dict[str, str]:
    """The bundle's TieuDe/NoiDung (and TraLoi once answered) for one demo petition."""
    return topic_and_text(rng, category, answered)[1]


def topic_and_text(rng: random.Random, category: str, answered: bool) -> tuple[str, dict[str, str]]:
    """The topic code of one demo petition of `category` and its TieuDe/NoiDung (and TraLoi
    once answered); the same draws as `petition_text`."""
    topic, title, content, answer = rng.choice(TEXTS[category])
    fill = {
        "street": rng.choice(STREETS),
        "days": rng.randint(3, 20),
        "proc": rng.choice(PROCEDURES),
    }
    texts = {"TieuDe": title.format(**fill), "NoiDung": content.format(**fill)}
    if answered:
        texts["TraLoi"] = answer.format(**fill)
    return topic, texts
