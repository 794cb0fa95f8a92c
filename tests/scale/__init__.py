"""Tests of the scale layer: the on-disk cache and the engines that run analyze's stages."""
