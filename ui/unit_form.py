"""The unit's settings as a form: shared by the first-run dialog and the Settings screen."""

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from counter.codes import MAX_WORKSTATION
from counter.settings import FORM_SETS, LEVELS, PAGE_SIZES, UnitSettings
from ui.widgets import line


class UnitForm(QWidget):
    edited = Signal()  # any field changed (by the officer or by show_settings)

    def __init__(self, with_hours: bool = True, parent: QWidget | None = None):
        super().__init__(parent)
        self.unit_code = line("Mã định danh đơn vị, ví dụ 000.00.53.H48")
        self.unit_name = line("Ví dụ: UBND xã Tân Tiến")
        self.authority = line("Cơ quan chủ quản, ví dụ: UBND TỈNH BẮC NINH")
        self.level = QComboBox()
        for key, label in LEVELS.items():
            self.level.addItem(label, key)
        self.place = line("Địa danh ghi trên văn bản, ví dụ: Tân Tiến")
        self.workstation = QSpinBox()
        self.workstation.setRange(1, MAX_WORKSTATION)
        self.form_set = QComboBox()
        for key, label in FORM_SETS.items():
            self.form_set.addItem(label, key)
        self.page_size = QComboBox()
        for size in PAGE_SIZES:
            self.page_size.addItem(size, size)
        self.ledger_volume = line("Số quyển sổ theo dõi, ví dụ 01")
        unit = QGroupBox("Đơn vị")
        form = QFormLayout(unit)
        form.addRow("Mã định danh", self.unit_code)
        form.addRow("Tên đơn vị", self.unit_name)
        form.addRow("Cơ quan chủ quản", self.authority)
        form.addRow("Cấp", self.level)
        form.addRow("Địa danh", self.place)
        form.addRow("Số quầy", self.workstation)
        form.addRow("Bộ biểu mẫu", self.form_set)
        form.addRow("Khổ giấy phiếu", self.page_size)
        form.addRow("Quyển sổ theo dõi", self.ledger_volume)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(unit)
        self.with_hours = with_hours
        if with_hours:
            self.office_open, self.office_close, self.cutoff = QTimeEdit(), QTimeEdit(), QTimeEdit()
            for edit in (self.office_open, self.office_close, self.cutoff):
                edit.setDisplayFormat("HH:mm")
            self.cutoff_enabled = QCheckBox("Nhận sau giờ chốt thì tính từ ngày làm việc tiếp theo")
            self.receipt_day_counts = QCheckBox("Tính ngày tiếp nhận là ngày thứ nhất")
            hours = QGroupBox("Giờ làm việc")
            hours_form = QFormLayout(hours)
            hours_form.addRow("Mở cửa", self.office_open)
            hours_form.addRow("Đóng cửa", self.office_close)
            hours_form.addRow("Giờ chốt tiếp nhận", self.cutoff)
            hours_form.addRow("", self.cutoff_enabled)
            hours_form.addRow("", self.receipt_day_counts)
            layout.addWidget(hours)
        for field in self.findChildren(QWidget):
            if isinstance(field, QLineEdit) and not isinstance(field.parentWidget(), QAbstractSpinBox):
                field.textChanged.connect(self.edited)
            elif isinstance(field, QAbstractSpinBox):
                field.editingFinished.connect(self.edited)
                (field.valueChanged if isinstance(field, QSpinBox) else field.timeChanged).connect(self.edited)
            elif isinstance(field, QComboBox):
                field.currentIndexChanged.connect(self.edited)
            elif isinstance(field, QCheckBox):
                field.toggled.connect(self.edited)

    def show_settings(self, settings: UnitSettings) -> None:
        self.unit_code.setText(settings.unit_code)
        self.unit_name.setText(settings.unit_name)
        self.authority.setText(settings.authority)
        self.level.setCurrentIndex(max(0, self.level.findData(settings.level)))
        self.place.setText(settings.place)
        self.workstation.setValue(settings.workstation)
        self.form_set.setCurrentIndex(max(0, self.form_set.findData(settings.form_set)))
        self.page_size.setCurrentIndex(max(0, self.page_size.findData(settings.slip_page_size)))
        self.ledger_volume.setText(settings.ledger_volume)
        if self.with_hours:
            for edit, text in ((self.office_open, settings.office_open), (self.office_close, settings.office_close),
                               (self.cutoff, settings.cutoff)):
                edit.setTime(QTime.fromString(text, "HH:mm"))
            self.cutoff_enabled.setChecked(settings.cutoff_enabled)
            self.receipt_day_counts.setChecked(settings.receipt_day_counts)

    def show_settings_values(self, values: dict) -> None:
        """Show values as `changes` gives them (the form as it was last saved)."""
        self.unit_code.setText(values["unit_code"])
        self.unit_name.setText(values["unit_name"])
        self.authority.setText(values["authority"])
        self.level.setCurrentIndex(max(0, self.level.findData(values["level"])))
        self.place.setText(values["place"])
        self.workstation.setValue(values["workstation"])
        self.form_set.setCurrentIndex(max(0, self.form_set.findData(values["form_set"])))
        self.page_size.setCurrentIndex(max(0, self.page_size.findData(values["slip_page_size"])))
        self.ledger_volume.setText(values["ledger_volume"])
        if self.with_hours:
            for edit, key in ((self.office_open, "office_open"), (self.office_close, "office_close"),
                              (self.cutoff, "cutoff")):
                edit.setTime(QTime.fromString(values[key], "HH:mm"))
            self.cutoff_enabled.setChecked(values["cutoff_enabled"])
            self.receipt_day_counts.setChecked(values["receipt_day_counts"])

    def changes(self) -> dict:
        """The values as `counter.unit.configure` takes them (it validates them)."""
        values = {
            "unit_code": self.unit_code.text(), "unit_name": self.unit_name.text(),
            "authority": self.authority.text(), "level": self.level.currentData(), "place": self.place.text(),
            "workstation": self.workstation.value(), "form_set": self.form_set.currentData(),
            "slip_page_size": self.page_size.currentData(), "ledger_volume": self.ledger_volume.text(),
        }
        if self.with_hours:
            values.update(
                office_open=self.office_open.time().toString("HH:mm"),
                office_close=self.office_close.time().toString("HH:mm"),
                cutoff=self.cutoff.time().toString("HH:mm"),
                cutoff_enabled=self.cutoff_enabled.isChecked(),
                receipt_day_counts=self.receipt_day_counts.isChecked(),
            )
        return values
