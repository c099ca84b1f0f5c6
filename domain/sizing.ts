const SIZES = [
  'nano',
  'micro',
  'small',
  'medium',
  'large',
  'xlarge',
  '2xlarge',
  '4xlarge',
  '8xlarge',
  '12xlarge',
  '16xlarge',
];

/** The next size down in the same family (t3.small → t3.micro), or undefined at the bottom or for an unknown type. */
export function previousInstanceSize(instanceType: string | undefined): string | undefined {
  const [family, size] = (instanceType ?? '').split('.');
  const index = SIZES.indexOf(size ?? '');
  if (!family || index <= 0) return undefined;
  return `${family}.${SIZES[index - 1]}`;
}

/** The next size up in the same family (t3.micro → t3.small), or undefined at the top or for an unknown type. */
export function nextInstanceSize(instanceType: string | undefined): string | undefined {
  const [family, size] = (instanceType ?? '').split('.');
  const index = SIZES.indexOf(size ?? '');
  if (!family || index < 0 || index === SIZES.length - 1) return undefined;
  return `${family}.${SIZES[index + 1]}`;
}
