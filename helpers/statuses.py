"""The regulatory and development status of a therapy (``therapies.csv`` ``status``), in one table.

Each status has the words of its outlined tag (:func:`helpers.style.status_tag_html`) and what it
means (the evidence legend, :func:`helpers.lesson.evidence_legend_html`). The loader's vocabulary
(:data:`helpers.data.THERAPY_STATUS`), the tags and the legend all derive from :data:`STATUSES`, so a
new status is one entry here (and a line in ``data/README.md``).
"""

from __future__ import annotations

#: status -> (tag words, what it means), in display order.
STATUSES: dict[str, tuple[str, str]] = {
    "full_approval": ("Approved",
                      "A medicines regulator licensed it for this disease. Approval says benefit outweighed risk for "
                      "that regulator; the evidence badge says how strong the trials were. Words in brackets after "
                      "a tag say where or for which form of the disease it holds."),
    "conditional_approval": ("Conditional / accelerated approval",
                             "Licensed early (accelerated, conditional or exceptional approval), often on a surrogate "
                             "endpoint, on condition that benefit is confirmed later."),
    "withdrawn": ("Approval withdrawn",
                  "It was licensed, then withdrawn (for example after a confirmatory trial failed)."),
    "guideline_procedure": ("Guideline-recommended procedure",
                            "A procedure, not a licensed product, that professional guidelines recommend for "
                            "selected patients."),
    "investigational": ("Investigational",
                        "Not approved for this disease. For this use it is tested in people only in clinical trials "
                        "(some have not yet reached people) or given through regulated expanded access. Some are no "
                        "longer being tested although nobody has announced it; when the developers have said that they "
                        "stopped, the tag is “Development stopped” instead. "
                        "Some are licensed for other conditions (clemastine for allergy, metformin "
                        "for diabetes); taking them for ALS or MS outside a trial, bought or prescribed off-label, has "
                        "no proven benefit and real risks."),
    "discontinued": ("Development stopped",
                     "Never approved for this disease, and the company or research team developing it has said that "
                     "it stopped developing it for this use, usually after its trials failed or showed too many side "
                     "effects. Stopping is their decision, not a regulator's ruling: the badge beside the tag shows what "
                     "the trials found."),
    "research_only": ("Research only",
                      "A laboratory idea or tool; not tested as a treatment."),
    "marketed_without_evidence": ("Sold without evidence",
                                  "Sold to patients outside regulated trials without evidence that it is safe and "
                                  "effective."),
}
