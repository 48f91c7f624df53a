/**
 * Short descriptions of well-known classification datasets, shown to the
 * optimizer LLM in the meta-prompt next to the dataset name.
 *
 * The wording is this project's own. A run on any other folder uses the
 * description the user gives, or none.
 */

const descriptions: Readonly<Record<string, string>> = {
  dtd:
    'Describable Textures: close-up photographs of surface textures and patterns, such as banded, braided, ' +
    'cracked, marbled or woven surfaces, named by the adjective that describes the texture.',
  caltech101:
    'Caltech 101: photographs of everyday objects and animals from 101 categories, usually centred and ' +
    'filling most of the frame, such as airplanes, chairs, faces, leopards and motorbikes.',
  flowers102:
    'Oxford Flowers 102: photographs of flowers common in the United Kingdom, 102 species with large ' +
    'variation in scale, pose and lighting, often close-ups of the blossom.',
  imagenette:
    'Imagenette: a ten-class subset of ImageNet photographs with easily told apart objects, such as a tench ' +
    '(a fish), a church, a parachute, a golf ball and a garbage truck.',
  cifar10:
    'CIFAR-10: tiny 32x32 pixel colour photographs of ten classes of vehicles and animals, such as airplanes, ' +
    'cars, birds, cats and ships; images are blurry and low in detail.',
  tinyimagenet200:
    'Tiny ImageNet: 64x64 pixel downsampled ImageNet photographs of 200 object and animal classes, with ' +
    'little detail and cluttered backgrounds.',
  imagenet:
    'ImageNet: photographs of 1000 object and animal categories taken from the web, with varied viewpoints, ' +
    'backgrounds and many fine-grained dog and bird breeds.',
  eurosat:
    'EuroSAT: Sentinel-2 satellite images of land use and land cover in Europe, such as forests, rivers, ' +
    'highways, pastures and residential areas, seen from above.',
  oxfordpets:
    'Oxford-IIIT Pets: photographs of 37 breeds of cats and dogs in everyday settings.',
  food101: 'Food-101: photographs of 101 kinds of dishes, mostly served on plates and taken by diners.',
  stanfordcars: 'Stanford Cars: photographs of cars labelled by make, model and year, mostly exterior views.',
  fgvcaircraft: 'FGVC Aircraft: photographs of aircraft labelled by model variant, mostly side views of airliners.',
  sun397: 'SUN397: photographs of indoor and outdoor scenes from 397 scene categories.',
  ucf101: 'UCF101: frames from videos of people performing 101 kinds of actions, such as sports and playing instruments.',
  resisc45: 'RESISC45: aerial images of 45 kinds of land use and scenes, such as airports, harbours and farmland.',
};

/** Folder names and common spellings that map to one entry above. */
const aliases: Readonly<Record<string, string>> = {
  dtd10: 'dtd',
  describabletextures: 'dtd',
  caltech: 'caltech101',
  oxfordflowers: 'flowers102',
  flowers: 'flowers102',
  cifar: 'cifar10',
  tinyimagenet: 'tinyimagenet200',
  imagenet1k: 'imagenet',
  pets: 'oxfordpets',
  cars: 'stanfordcars',
  aircraft: 'fgvcaircraft',
};

/** Return the built-in description of a dataset by folder or dataset name, if there is one. */
export function describeDataset(name: string): string | undefined {
  const key = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return descriptions[aliases[key] ?? key];
}
