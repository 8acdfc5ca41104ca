"""How a snapshot's text is laid out for reading, with code-point offsets kept."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Paragraph:
    start: int  # code-point offset of the paragraph in the stored text
    end: int
    text: str


def paragraphs(text: str) -> list[Paragraph]:
    """Split stored text into its non-blank lines, each with its offsets.

    The reader renders one element per paragraph; the browser maps a selection back
    to stored offsets through `start`, so the line text must be exactly the slice.
    """
    result = []
    position = 0
    for line in text.split("\n"):
        if line.strip():
            result.append(Paragraph(start=position, end=position + len(line), text=line))
        position += len(line) + 1
    return result
