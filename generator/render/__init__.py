"""Stage two: output modules, each turning the checked model into files of one kind.

Every module has `jobs(renderer) -> list[Job]`; the builder walks them in `OUTPUTS` order,
claims each path once, then runs the jobs (on several cores for large sites).
"""
