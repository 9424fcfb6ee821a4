import io

from pypdf import PdfReader

from zhifa.core.files.storage import get_store


def pdf_text(document) -> str:
    data = b"".join(get_store().chunks(document.blob.name))
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pdf_fonts_embedded(document) -> bool:
    data = b"".join(get_store().chunks(document.blob.name))
    for page in PdfReader(io.BytesIO(data)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            desc = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            if not any(k.startswith("/FontFile") for k in desc):
                return False
    return True
