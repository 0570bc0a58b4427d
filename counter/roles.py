"""Who may do what (phân quyền).

An officer (công chức một cửa) receives, returns and digitizes; the head of
unit (lãnh đạo) also apologises, corrects, closes dossiers, sees reports and
changes settings; the admin also manages accounts, the catalogue and the
calendar. Each role includes the one before it.
"""

ROLES = {"officer": "Cán bộ một cửa", "head": "Lãnh đạo đơn vị", "admin": "Quản trị"}

OFFICER = {
    "receive", "supplement", "resume", "result", "return", "digitize", "print", "view", "export", "backup",
}
HEAD = OFFICER | {"apologize", "edit", "reject", "stop", "reports", "settings", "province"}
ADMIN = HEAD | {"accounts", "catalogue", "calendar", "restore", "demo"}
PERMISSIONS = {"officer": OFFICER, "head": HEAD, "admin": ADMIN}

LABELS = {
    "receive": "tiếp nhận hồ sơ", "supplement": "yêu cầu bổ sung", "resume": "nhận hồ sơ bổ sung",
    "result": "ghi nhận kết quả", "return": "trả kết quả", "digitize": "số hóa", "print": "in biểu mẫu",
    "view": "xem hồ sơ", "export": "xuất dữ liệu", "backup": "sao lưu", "apologize": "xin lỗi, hẹn lại",
    "edit": "sửa hồ sơ", "reject": "từ chối hồ sơ", "stop": "dừng giải quyết", "reports": "xem báo cáo",
    "settings": "thay đổi thiết lập", "province": "tổng hợp của tỉnh", "accounts": "quản lý tài khoản",
    "catalogue": "sửa danh mục thủ tục", "calendar": "sửa lịch làm việc", "restore": "khôi phục dữ liệu",
    "demo": "tạo dữ liệu thử",
}


def allows(role: str, permission: str) -> bool:
    return permission in PERMISSIONS.get(role, set())
