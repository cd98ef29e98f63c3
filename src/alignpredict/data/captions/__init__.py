"""Image-caption data: the synthetic captioned-scenes set, the COCO 2017 loader, style noise and text nuisances."""
