"""What the demo models are trained on and how they are fed: the numbers that end up in the model cards.

Sizes are in i, j, k order (as in model-card.json); tensors are (D, H, W) = (k, j, i).
"""

# U-Net: an isotropic 2.5 mm grid keeps a 512x512x~100 abdominal CT at ~160x160x112 voxels (fast on a CPU)
# while the gland (10-30 mm thick) still spans 4-12 voxels.
UNET_SPACING_MM = 2.5
# Inference window 240x240x120 mm: the whole upper abdomen in four to twelve windows; multiples of 8 (3 poolings).
UNET_PATCH_IJK = (96, 96, 48)
UNET_OVERLAP = 0.25
# Training patches are smaller (faster steps); the network is fully convolutional.
UNET_TRAIN_PATCH_IJK = (64, 64, 32)
# Soft-tissue window wide enough for fat (-100), gland (+25..+110 HU) and necrosis or fluid (~+15 HU).
UNET_HU_WINDOW = (-160, 240)

# ResNet: a 40 mm margin around the gland takes in the peripancreatic fat, the collections and the lowest
# pleural recesses; the crop (about 215x135x155 mm) is resized to 48x40x40 voxels, 3.5-4.5 mm each: coarse,
# but necrotic foci and collections are 10-30 mm across, and training stays within minutes on a CPU.
RESNET_CROP_MARGIN_MM = 40
RESNET_INPUT_IJK = (48, 40, 40)
RESNET_HU_WINDOW = (-160, 240)

ONNX_OPSET = 13

# Seeds: disjoint training and held-out ranges, and disjoint from the fusion cohort (1-300).
UNET_TRAIN_SEEDS = '1001-1040'
UNET_HELD_OUT_SEEDS = '1101-1110'
RESNET_TRAIN_SEEDS = '2001-2280'
RESNET_HELD_OUT_SEEDS = '2301-2370'
# The exported region around the gland must hold the crop margin plus the training jitter.
RESNET_REGION_MARGIN_MM = 60.0
