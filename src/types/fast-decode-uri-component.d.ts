/** fast-decode-uri-component (the package ships no types): decodeURIComponent that answers null instead of throwing. */
declare module 'fast-decode-uri-component' {
  export default function decode (uri: string): string | null
}
