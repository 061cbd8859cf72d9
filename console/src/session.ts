/** The signed-in key lives in this tab's session storage only: no cookie, so no CSRF. */
const STORAGE_KEY = "civilink.apiKey";

export const storedKey = (): string | null => sessionStorage.getItem(STORAGE_KEY);

export const keepKey = (key: string) => sessionStorage.setItem(STORAGE_KEY, key);

export const forgetKey = () => sessionStorage.removeItem(STORAGE_KEY);
