"""The bundled font: Liberation Serif 2 (Vietnamese coverage), with its OFL license."""

from printing import frame


def test_liberation_serif_2_is_bundled_with_its_license():
    for file in frame.FONT_FILES.values():
        data = (frame.FONT_FOLDER / file).read_bytes()
        assert "Version 2.".encode("utf-16-be") in data, file  # 1.x lacks Vietnamese letters
    license_text = (frame.FONT_FOLDER / "LICENSE").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in license_text


def test_vietnamese_letters_have_glyphs():
    from reportlab.pdfbase import pdfmetrics

    letters = "ắằẳẵặấầẩẫậđếềểễệốồổỗộớờởỡợứừửữựỳỷỹỵẮẰẲẴẶẤẦẨẪẬĐẾỀỂỄỆỐỒỔỖỘỚỜỞỠỢỨỪỬỮỰỲỶỸỴ"
    for name in frame.FONT_FILES:
        face = pdfmetrics.getFont(name).face
        missing = [ch for ch in letters if ord(ch) not in face.charToGlyph]
        assert not missing, (name, missing)
