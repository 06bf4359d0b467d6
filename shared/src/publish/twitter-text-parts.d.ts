// The two parts of twitter-text 3.1.0 Perch counts with, imported one by one (CommonJS, `module.exports` is the
// function) so a browser bundle leaves out the rest of twitter-text and twemoji-parser (92 KB → 41 KB minified).
declare module 'twitter-text/dist/extractUrlsWithIndices.js' {
  const extractUrlsWithIndices: (text: string) => { url: string; indices: [number, number] }[];
  export default extractUrlsWithIndices;
}
declare module 'twitter-text/dist/hasInvalidCharacters.js' {
  const hasInvalidCharacters: (text: string) => boolean;
  export default hasInvalidCharacters;
}
