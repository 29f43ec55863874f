"""实地督导 (on-site inspection): drawing the schools to visit.

Reviewers visit 8–12 schools of each county, drawn at random and stratified by 城区/镇区/乡村 and
by kind of school (小学, 初中, 一贯制, 教学点, 特殊教育学校), so that a county cannot steer them to
its best schools. The draw is reproducible: the same data, seed and parameters give the same
schools, and the seed is recorded with the sample (``shared/spec/standard.md`` §1.6, procedure).
"""

from junheng.inspection.checklist import ChecklistError, read_checklist, write_checklist
from junheng.inspection.sampling import Sample, SamplingError, draw_sample, load_sampling_parameters

__all__ = [
    "ChecklistError", "Sample", "SamplingError", "draw_sample", "load_sampling_parameters", "read_checklist",
    "write_checklist",
]
