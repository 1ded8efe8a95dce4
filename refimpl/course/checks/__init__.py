"""One module of checks per lesson: ``from refimpl.course.checks import l03``.

Introduced in lesson 00. Each module holds one check object per exercise question.
"""
