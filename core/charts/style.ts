/** Shared look of the charts: one place for colours, font sizes and the page width. */

export const WIDTH = 800;

export const COLORS = {
  increase: '#c62828', // red: pushes the prediction (risk) up
  decrease: '#1565c0', // blue: pushes it down
  neutral: '#9e9e9e',
  bar: '#37474f', // importance bars
  text: '#212121',
  muted: '#616161',
  axis: '#424242',
  grid: '#e8e8e8',
  marker: '#757575',
} as const;

export const FONT = { title: 17, body: 12.5, small: 11.5, tiny: 10 } as const;
