"""Dossiers in the states each form needs, received through the real services."""

from datetime import datetime

import pytest

from counter import intake, unit


@pytest.fixture
def receive(session):
    """receive(name=…, at=…, procedure=…, documents=[…]) -> Dossier, with full contact details."""

    def make(name="Nguyễn Văn Đức", at=datetime(2025, 3, 3, 9, 0), procedure="2.001019", documents=None, **extra):
        details = {"id_number": "001088012345", "phone": "0912 345 678",
                   "address": "Thôn Đông, xã Tân Tiến, tỉnh Bắc Ninh", "email": "duc.nguyen@example.vn"}
        details.update(extra)
        docs = [intake.DocumentInput(d) if isinstance(d, str) else d for d in documents] if documents else None
        return intake.receive(session, procedure, name, at=at, documents=docs, **details)

    return make


@pytest.fixture
def tt01(session):
    """The unit prints with the TT 01/2018 form set."""
    unit.configure(session, form_set="tt01-2018")
    return session


@pytest.fixture(params=["tt03-2025", "tt01-2018"])
def form_set(request, session):
    unit.configure(session, form_set=request.param)
    return request.param

