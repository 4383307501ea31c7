"""Widgets the phase screens share: the header, the guide line, the step list, the editor…"""
